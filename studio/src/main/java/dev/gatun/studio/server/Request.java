package dev.gatun.studio.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

/** A request to a route of the API, its body already read within the route's limit. */
public final class Request {
    /** The HTTP method. */
    private final String method;
    /** The path, decoded. */
    private final String path;
    /** The values of the route pattern's {@code {name}} segments. */
    private final Map<String, String> pathParams;
    /** The query's parameters, the first value of each. */
    private final Map<String, String> query;
    /** The headers, by lower-case name. */
    private final Map<String, List<String>> headers;
    /** The body. */
    private final byte[] body;
    /** The body as JSON, once parsed. */
    private JsonNode json;

    /**
     * A request.
     *
     * @param method the HTTP method
     * @param path the decoded path
     * @param pathParams the values of the route pattern's {@code {name}} segments
     * @param query the query's parameters
     * @param headers the headers (names in any case)
     * @param body the body (not copied)
     */
    Request(String method, String path, Map<String, String> pathParams, Map<String, String> query,
            Map<String, List<String>> headers, byte[] body) {
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.query = Map.copyOf(query);
        Map<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) -> byName.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).addAll(values));
        byName.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Map.copyOf(byName);
        this.body = body;
    }

    /** {@return the HTTP method, e.g. {@code POST}} */
    public String method() {
        return method;
    }

    /** {@return the decoded path, e.g. {@code /api/runs/p1/control}} */
    public String path() {
        return path;
    }

    /**
     * The value of one of the route pattern's {@code {name}} segments.
     *
     * @param name the segment's name, e.g. {@code run}
     * @return its decoded value, never empty
     * @throws IllegalArgumentException when the route's pattern has no such segment
     */
    public String param(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route " + path + " has no path parameter {" + name + "}");
        }
        return value;
    }

    /** {@return the values of the route pattern's {@code {name}} segments} */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /**
     * One parameter of the query.
     *
     * @param name its name
     * @return its first value, decoded, or empty when the query has none so named
     */
    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** {@return the query's parameters, the first value of each} */
    public Map<String, String> queryParams() {
        return query;
    }

    /**
     * One header.
     *
     * @param name its name, in any case
     * @return its first value, or empty when the request has none
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** {@return every header, by lower-case name} */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return body.clone();
    }

    /** {@return the body's length in bytes} */
    public int bodyLength() {
        return body.length;
    }

    /**
     * The body as JSON.
     *
     * @return its tree
     * @throws ApiException 400 naming the problem when the body is empty or not JSON
     */
    public synchronized JsonNode json() {
        if (json == null) {
            json = parse(body);
        }
        return json;
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new ApiException(400, "the request's body is empty: a JSON document was expected");
        }
        try {
            return StudioJson.mapper().readTree(body);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ApiException(400, "the request's body is not valid JSON: "
                    + Response.oneLine(e.getOriginalMessage()) + where);
        }
    }
}
