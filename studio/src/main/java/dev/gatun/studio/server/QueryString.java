package dev.gatun.studio.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a URL's raw query: {@code a=1&b=x%20y}, the first value of each name. */
final class QueryString {
    private QueryString() {
    }

    /**
     * Parses a raw query.
     *
     * @param raw the query as sent, or null
     * @return each name's first value, decoded
     * @throws ApiException 400 naming the parameter when a percent escape is malformed
     */
    static Map<String, String> parse(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), pair);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), pair);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String text, String pair) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "the query parameter '" + pair + "' has a malformed % escape");
        }
    }
}
