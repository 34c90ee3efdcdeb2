package dev.gatun.studio.server;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to Studio: a request must name Studio by a host it listens as (so a page of
 * another site cannot reach it through DNS rebinding) and carry the access token.
 */
final class AccessRules {
    /** The header that may carry the token. */
    static final String TOKEN_HEADER = "X-Gatun-Token";
    /** The cookie that may carry the token. */
    static final String TOKEN_COOKIE = "gatun_token";
    /** The query parameter that may carry the token. */
    static final String TOKEN_PARAM = "token";

    /** The token. */
    private final AccessToken token;
    /** The {@code Host} headers accepted, lower case. */
    private final Set<String> hosts;

    /**
     * The rules of a server.
     *
     * @param token its access token
     * @param configuredHost the host it was started with
     * @param port the port it listens on
     */
    AccessRules(AccessToken token, String configuredHost, int port) {
        this.token = token;
        this.hosts = Set.copyOf(List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
                hostForUrl(configuredHost).toLowerCase(Locale.ROOT) + ":" + port));
    }

    /**
     * A host as it appears in a URL or a {@code Host} header: an IPv6 literal in brackets.
     *
     * @param host a host name or address
     * @return it, bracketed when it is an IPv6 literal
     */
    static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * Whether the request names Studio by one of its hosts.
     *
     * @param headers the request's headers
     * @return whether it has exactly one {@code Host} header, and an accepted one
     */
    boolean hostAllowed(Headers headers) {
        List<String> values = headers.get("Host");
        return values != null && values.size() == 1
                && hosts.contains(values.getFirst().strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether the request carries the token in its query, its header or its cookie.
     *
     * @param uri the request's URI
     * @param headers the request's headers
     * @return whether any of them matches
     */
    boolean tokenPresented(URI uri, Headers headers) {
        if (queryToken(uri)) {
            return true;
        }
        for (String value : headers.getOrDefault(TOKEN_HEADER, List.of())) {
            if (token.matches(value.strip())) {
                return true;
            }
        }
        for (String cookies : headers.getOrDefault("Cookie", List.of())) {
            for (String cookie : cookies.split(";")) {
                int eq = cookie.indexOf('=');
                if (eq > 0 && cookie.substring(0, eq).strip().equals(TOKEN_COOKIE)
                        && token.matches(cookie.substring(eq + 1).strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the query carries the right token, which is when {@code /} sets the cookie.
     *
     * @param uri the request's URI
     * @return whether {@code ?token=} matches
     */
    boolean queryToken(URI uri) {
        try {
            return token.matches(QueryString.parse(uri.getRawQuery()).get(TOKEN_PARAM));
        } catch (ApiException malformed) {
            return false;
        }
    }

    /** {@return the {@code Set-Cookie} value that lets the page's own requests carry the token} */
    String cookie() {
        return TOKEN_COOKIE + "=" + token.value() + "; HttpOnly; SameSite=Strict; Path=/";
    }
}
