package dev.gatun.nn;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The activation layers by the names configs use, the one table that configs, {@link Activation}
 * and the CLI resolve them through: every {@link UnaryOp} with a {@link UnaryOp#layerName() layer
 * name}, in declaration order, then {@code softmax}. It is built from the ops, so a new activation
 * op is a new layer type without an edit here.
 */
public final class ActivationTypes {
    /** Softmax over the last axis, the one activation that is not element-wise. */
    public static final String SOFTMAX = "softmax";

    /**
     * One layer type: its name; the option that picks among its ops (gelu's {@code approximate}),
     * or null; and its ops, the default first (none for softmax).
     *
     * @param name the type's name
     * @param optionKey the option that picks among the ops, or null
     * @param ops the ops, the default first; empty for softmax
     */
    public record Type(String name, String optionKey, List<UnaryOp> ops) {
        /** {@return the option's values, the default first; empty without an option} */
        public List<String> optionValues() {
            return optionKey == null ? List.of() : ops.stream().map(op -> op.layerName().optionValue()).toList();
        }

        /**
         * The op an option value selects (null: the default); null for softmax.
         *
         * @param option the option's value, or null for the default
         * @return the op, or null for softmax
         */
        public UnaryOp op(String option) {
            if (ops.isEmpty()) {
                return null;
            }
            if (option == null) {
                return ops.getFirst();
            }
            for (UnaryOp op : ops) {
                if (option.equals(op.layerName().optionValue())) {
                    return op;
                }
            }
            throw new IllegalArgumentException(name + " " + optionKey + ": unknown '" + option + "' (known: "
                    + String.join(", ", optionValues()) + ")");
        }

        /**
         * The parameter of the op an option value selects, or null when it has none.
         *
         * @param option the option's value, or null for the default
         * @return the parameter, or null
         */
        public UnaryOp.Parameter parameter(String option) {
            UnaryOp op = op(option);
            return op == null ? null : op.parameter();
        }
    }

    private static final Map<String, Type> BY_NAME = build();

    private ActivationTypes() {}

    /** {@return every type name and alias, in declaration order, softmax last} */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * The type a name or alias denotes, or null when it is no activation.
     *
     * @param name a type name or alias
     * @return the type, or null
     */
    public static Type type(String name) {
        return BY_NAME.get(name);
    }

    /**
     * The layer {@code name} denotes, with an option value (null: the default) and a parameter
     * value (NaN: the default; ignored by ops without one).
     *
     * @param name a type name or alias
     * @param option the option's value, or null for the default
     * @param parameter the parameter's value, or NaN for the default
     * @return the layer
     */
    public static Activation layer(String name, String option, double parameter) {
        Type type = BY_NAME.get(name);
        if (type == null) {
            throw new IllegalArgumentException("unknown activation '" + name + "' (known: " + String.join(", ", names())
                    + ")");
        }
        UnaryOp op = type.op(option);
        if (op == null) {
            return Activation.softmax();
        }
        boolean takesOne = op.parameter() != null && !Double.isNaN(parameter);
        return new Activation(takesOne ? UnaryFn.of(op, parameter) : UnaryFn.of(op));
    }

    private static Map<String, Type> build() {
        Map<String, List<UnaryOp>> ops = new LinkedHashMap<>();
        for (UnaryOp op : UnaryOp.values()) {
            if (op.layerName() != null) {
                ops.computeIfAbsent(op.layerName().type(), t -> new ArrayList<>()).add(op);
            }
        }
        Map<String, Type> byName = new LinkedHashMap<>();
        for (Map.Entry<String, List<UnaryOp>> e : ops.entrySet()) {
            UnaryOp first = e.getValue().getFirst();
            Type type = new Type(e.getKey(), first.layerName().optionKey(), List.copyOf(e.getValue()));
            byName.put(type.name(), type);
            for (UnaryOp op : e.getValue()) {
                for (String alias : op.layerName().aliases()) {
                    byName.put(alias, type);
                }
            }
        }
        byName.put(SOFTMAX, new Type(SOFTMAX, null, List.of()));
        return byName;
    }
}
