package dev.gatun.studio.server;

import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.FloatNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Studio's JSON: one mapper, and writing that follows the protocol, where a number that is NaN
 * or infinite is {@code null} (JSON has no such numbers, and the page's {@code JSON.parse} would
 * reject Jackson's quoted {@code "NaN"}).
 */
public final class StudioJson {
    /** Strict about trailing content, so {@code {"a":1} x} is refused rather than half read. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StudioJson() {
    }

    /** {@return the mapper Studio reads and writes JSON with} */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** {@return a new empty JSON object} */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Writes a JSON tree on one line, non-finite numbers as {@code null}.
     *
     * @param node the tree
     * @return its text
     */
    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(finite(node));
    }

    /**
     * Writes a JSON tree as UTF-8 bytes, non-finite numbers as {@code null}.
     *
     * @param node the tree
     * @return its UTF-8 text
     */
    public static byte[] writeBytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(finite(node));
    }

    /**
     * The tree with each NaN or infinite number replaced by null; the same node when it has none,
     * so the common case copies nothing.
     */
    private static JsonNode finite(JsonNode node) {
        if (node instanceof DoubleNode || node instanceof FloatNode) {
            return Double.isFinite(node.doubleValue()) ? node : NullNode.getInstance();
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = null;
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                JsonNode fixed = finite(item);
                if (fixed != item && copy == null) {
                    copy = JsonNodeFactory.instance.arrayNode(array.size());
                    for (int j = 0; j < i; j++) {
                        copy.add(array.get(j));
                    }
                }
                if (copy != null) {
                    copy.add(fixed);
                }
            }
            return copy == null ? node : copy;
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = null;
            for (Map.Entry<String, JsonNode> property : object.properties()) {
                JsonNode fixed = finite(property.getValue());
                if (fixed != property.getValue() && copy == null) {
                    copy = JsonNodeFactory.instance.objectNode();
                    for (Map.Entry<String, JsonNode> earlier : object.properties()) {
                        if (earlier.getKey().equals(property.getKey())) {
                            break;
                        }
                        copy.set(earlier.getKey(), earlier.getValue());
                    }
                }
                if (copy != null) {
                    copy.set(property.getKey(), fixed);
                }
            }
            return copy == null ? node : copy;
        }
        return node;
    }
}
