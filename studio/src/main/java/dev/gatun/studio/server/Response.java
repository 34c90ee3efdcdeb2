package dev.gatun.studio.server;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** An answer to a request: status, content type, body and any extra headers. */
public final class Response {
    /** The content type of JSON answers. */
    public static final String JSON = "application/json; charset=utf-8";
    /** The content type of text answers. */
    public static final String TEXT = "text/plain; charset=utf-8";

    /** The HTTP status. */
    private final int status;
    /** The body's content type. */
    private final String contentType;
    /** The body; never handed out, so a response cannot change after it is made. */
    private final byte[] body;
    /** Headers beyond the content type and the ones every response carries. */
    private final Map<String, String> headers;

    private Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("an HTTP status is 100..599, got " + status);
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = Map.copyOf(headers);
    }

    /**
     * A JSON answer; numbers that are NaN or infinite are written as {@code null}.
     *
     * @param status the HTTP status
     * @param json the body
     * @return the answer
     */
    public static Response json(int status, JsonNode json) {
        return new Response(status, JSON, StudioJson.writeBytes(json), Map.of());
    }

    /**
     * A 200 JSON answer.
     *
     * @param json the body
     * @return the answer
     */
    public static Response ok(JsonNode json) {
        return json(200, json);
    }

    /**
     * A plain text answer.
     *
     * @param status the HTTP status
     * @param text the body
     * @return the answer
     */
    public static Response text(int status, String text) {
        return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * An answer of any content type.
     *
     * @param status the HTTP status
     * @param contentType the body's content type
     * @param body the body (copied)
     * @return the answer
     */
    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, contentType, body.clone(), Map.of());
    }

    /**
     * The JSON error of the API for an exception: {@code {"error", "path", "layer"}}.
     *
     * @param error the error
     * @return the answer, with the error's status
     */
    public static Response error(ApiException error) {
        var json = StudioJson.object().put("error", oneLine(error.getMessage()));
        if (error.path() != null) {
            json.put("path", error.path());
        }
        if (error.layer() != null) {
            json.put("layer", error.layer().intValue());
        }
        return json(error.status(), json);
    }

    /**
     * {@return this answer with one more header}
     *
     * @param name the header's name
     * @param value its value
     */
    public Response withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, body, more);
    }

    /** {@return the HTTP status} */
    public int status() {
        return status;
    }

    /** {@return the body's content type} */
    public String contentType() {
        return contentType;
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return body.clone();
    }

    /** {@return the headers beyond the content type and the ones every response carries} */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@return the body without copying it, for the server's own writing} */
    byte[] bodyForWriting() {
        return body;
    }

    /**
     * A message on one line, since the protocol's errors are one line each.
     *
     * @param message a message, possibly null or spanning lines
     * @return it with each line break and the whitespace around it as one space
     */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
