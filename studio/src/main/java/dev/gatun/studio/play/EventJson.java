package dev.gatun.studio.play;

import dev.gatun.studio.server.StudioJson;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The JSON of Studio's events: NaN and infinities become {@code null}, arrays go as base64. */
public final class EventJson {
    /** The mapper every Studio event and answer is written with: the server's. */
    public static final ObjectMapper MAPPER = StudioJson.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventJson() {}

    /**
     * A new event object whose {@code run} is {@code run}.
     *
     * @param run the run's id
     * @return the object
     */
    public static ObjectNode event(String run) {
        ObjectNode o = NODES.objectNode();
        o.put("run", run);
        return o;
    }

    /** {@return a new empty object} */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** {@return a new empty array} */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * Puts {@code value} under {@code key}, or {@code null} when it is not finite (JSON has no NaN).
     *
     * @param o the object
     * @param key the key
     * @param value the number
     * @return {@code o}
     */
    public static ObjectNode number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
        return o;
    }

    /**
     * Adds {@code value} to {@code a}, or {@code null} when it is not finite.
     *
     * @param a the array
     * @param value the number
     * @return {@code a}
     */
    public static ArrayNode number(ArrayNode a, double value) {
        if (Double.isFinite(value)) {
            a.add(value);
        } else {
            a.addNull();
        }
        return a;
    }

    /**
     * {@code values} as base64 of little-endian float32, the form of the page's heat maps.
     *
     * @param values the values
     * @return the base64 text
     */
    public static String floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /**
     * The text of {@code o}.
     *
     * @param o the object
     * @return its compact JSON
     */
    public static String text(ObjectNode o) {
        return MAPPER.writeValueAsString(o);
    }
}
