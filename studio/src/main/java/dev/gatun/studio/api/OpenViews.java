package dev.gatun.studio.api;

import dev.gatun.studio.server.ApiException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Which deep views the connected pages have open, so that a run computes them only while someone
 * looks. Each page says so for itself (its own random id) and renews the claim every few seconds:
 * a claim not renewed within {@value #LEASE_SECONDS} s lapses, so a tab that was closed, crashed or
 * lost its connection without saying goodbye stops costing the training thread.
 */
public final class OpenViews {
    /** The views a page can open. */
    public static final Set<String> VIEWS = Set.of("network");
    /** How long a page's claim lasts without being renewed. */
    public static final int LEASE_SECONDS = 15;
    private static final Pattern PAGE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_PAGES = 256;

    private final LongSupplier clock;
    /** Per page, per view, when its claim lapses (clock nanoseconds). */
    private final Map<String, Map<String, Long>> claims = new HashMap<>();

    /** Views as the system clock times them. */
    public OpenViews() {
        this(System::nanoTime);
    }

    /**
     * Views timed by {@code clock}.
     *
     * @param clock nanoseconds, as {@link System#nanoTime()} counts them
     */
    OpenViews(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Applies a page's {@code {page, views: {network: true|false}}}.
     *
     * @param body the request's body
     * @throws ApiException 400 naming the field for a bad page id, an unknown view or a value that is
     *     not a boolean
     */
    public synchronized void apply(JsonNode body) {
        String page = body.path("page").asString("");
        if (!PAGE.matcher(page).matches()) {
            throw new ApiException(400, "page: must be 1 to 64 letters, digits, '_' or '-', got '" + page + "'",
                    "page", null);
        }
        JsonNode views = body.path("views");
        if (!views.isObject()) {
            throw new ApiException(400, "views: must be an object such as {\"network\": true}", "views", null);
        }
        long until = clock.getAsLong() + LEASE_SECONDS * 1_000_000_000L;
        for (Map.Entry<String, JsonNode> e : views.properties()) {
            if (!VIEWS.contains(e.getKey())) {
                throw new ApiException(400, "views." + e.getKey() + ": no such view (known: " + VIEWS + ")",
                        "views." + e.getKey(), null);
            }
            if (!e.getValue().isBoolean()) {
                throw new ApiException(400, "views." + e.getKey() + ": must be true or false", "views." + e.getKey(),
                        null);
            }
        }
        lapse();
        if (!claims.containsKey(page) && claims.size() >= MAX_PAGES) {
            claims.remove(claims.keySet().iterator().next());
        }
        Map<String, Long> mine = claims.computeIfAbsent(page, p -> new HashMap<>());
        for (Map.Entry<String, JsonNode> e : views.properties()) {
            if (e.getValue().asBoolean()) {
                mine.put(e.getKey(), until);
            } else {
                mine.remove(e.getKey());
            }
        }
        if (mine.isEmpty()) {
            claims.remove(page);
        }
    }

    /**
     * Whether some page has {@code view} open now.
     *
     * @param view the view's name
     * @return true while a claim on it has not lapsed
     */
    public synchronized boolean isOpen(String view) {
        lapse();
        return claims.values().stream().anyMatch(m -> m.containsKey(view));
    }

    private void lapse() {
        long now = clock.getAsLong();
        Iterator<Map<String, Long>> pages = claims.values().iterator();
        while (pages.hasNext()) {
            Map<String, Long> m = pages.next();
            m.values().removeIf(until -> until - now < 0);
            if (m.isEmpty()) {
                pages.remove();
            }
        }
    }
}
