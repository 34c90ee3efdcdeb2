package dev.gatun.studio.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route's path, such as {@code /api/runs/{run}/control}: literal segments match themselves,
 * a {@code {name}} segment matches any one non-empty segment and captures it, decoded.
 */
final class RoutePattern {
    /** The pattern as written. */
    private final String text;
    /** Its segments, after the leading slash. */
    private final List<String> segments;

    /**
     * Parses a pattern.
     *
     * @param text the pattern, starting with {@code /}
     * @throws IllegalArgumentException when it does not start with {@code /}, has an empty segment
     *     or names a parameter twice
     */
    RoutePattern(String text) {
        if (text == null || !text.startsWith("/") || text.length() > 1 && text.endsWith("/")
                || text.contains("//")) {
            throw new IllegalArgumentException("a route pattern is /segment/{name}/..., got '" + text + "'");
        }
        this.text = text;
        this.segments = text.equals("/") ? List.of() : List.of(text.substring(1).split("/"));
        Set<String> names = new HashSet<>();
        for (String segment : segments) {
            if (isParam(segment) && !names.add(segment)) {
                throw new IllegalArgumentException("the route pattern " + text + " names " + segment + " twice");
            }
        }
    }

    /** {@return the pattern as written} */
    String text() {
        return text;
    }

    /**
     * Matches a request's path.
     *
     * @param rawPath the path as sent, percent escapes undecoded
     * @return the captured parameters, or empty when the path does not match
     */
    Optional<Map<String, String>> match(String rawPath) {
        List<String> parts = rawPath.equals("/") ? List.of() : List.of(rawPath.substring(1).split("/", -1));
        if (parts.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String segment = segments.get(i);
            String part = parts.get(i);
            if (isParam(segment)) {
                Optional<String> value = decode(part).filter(v -> !v.isEmpty());
                if (value.isEmpty()) {
                    return Optional.empty();
                }
                params.put(segment.substring(1, segment.length() - 1), value.get());
            } else if (!segment.equals(part)) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static boolean isParam(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    /**
     * Decodes a path's percent escapes.
     *
     * @param raw a path or segment as sent
     * @return it decoded, or empty when an escape is malformed
     */
    static Optional<String> decode(String raw) {
        try {
            // URLDecoder would turn '+' into a space: a path keeps its plus signs.
            return Optional.of(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
