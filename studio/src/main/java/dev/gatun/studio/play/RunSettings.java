package dev.gatun.studio.play;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Changes to a playground run's training, from the page: each component is null when unchanged.
 * They are applied before the next batch.
 *
 * @param lr the learning rate, finite and > 0
 * @param optimizer one of {@link #OPTIMIZERS}
 * @param batch examples per batch, 1 to 65,536
 * @param l1 the L1 strength, finite and >= 0
 * @param l2 the L2 strength, finite and >= 0
 * @param dropout the probability of every dropout layer, in [0, 1)
 * @param view the part the confusion matrix is computed on: {@code train} or {@code validation}
 * @param x the feature plotted across, 0-based
 * @param y the feature plotted up, 0-based
 * @param z the feature of the 3-D view's depth, 0-based, or -1 for no 3-D view
 */
public record RunSettings(Double lr, String optimizer, Integer batch, Double l1, Double l2, Double dropout,
        String view, Integer x, Integer y, Integer z) {
    /** The optimizers the page can switch to; {@code momentum} is SGD with momentum 0.9. */
    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "rmsprop", "adam");
    /** The largest batch the page may ask for. */
    public static final int MAX_BATCH = 65_536;
    private static final List<String> KEYS = List.of("lr", "optimizer", "batch", "l1", "l2", "dropout", "view", "x",
            "y", "z");

    /**
     * Reads the settings of a POST body.
     *
     * @param body the JSON object
     * @return the settings
     * @throws SettingException naming the first unknown or invalid field
     */
    public static RunSettings from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new SettingException("", "the body must be a JSON object of settings");
        }
        for (String key : body.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw new SettingException(key, "unknown setting (known: " + String.join(", ", KEYS) + ")");
            }
        }
        Double lr = number(body, "lr", 0, false, Double.MAX_VALUE);
        String optimizer = choice(body, "optimizer", OPTIMIZERS);
        Integer batch = whole(body, "batch", 1, MAX_BATCH);
        Double l1 = number(body, "l1", 0, true, Double.MAX_VALUE);
        Double l2 = number(body, "l2", 0, true, Double.MAX_VALUE);
        Double dropout = number(body, "dropout", 0, true, Math.nextDown(1.0));
        String view = choice(body, "view", List.of("train", "validation"));
        return new RunSettings(lr, optimizer, batch, l1, l2, dropout, view, whole(body, "x", 0, Integer.MAX_VALUE),
                whole(body, "y", 0, Integer.MAX_VALUE), whole(body, "z", -1, Integer.MAX_VALUE));
    }

    private static Integer whole(JsonNode body, String key, int min, int max) {
        Double v = number(body, key, min, true, max);
        if (v != null && v != Math.rint(v)) {
            throw new SettingException(key, "must be a whole number, got " + body.get(key));
        }
        return v == null ? null : v.intValue();
    }

    private static Double number(JsonNode body, String key, double min, boolean minIncluded, double max) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        double d;
        if (v.isNumber()) {
            d = v.doubleValue();
        } else if (v.isString()) {
            try {
                d = Double.parseDouble(v.stringValue().strip());
            } catch (NumberFormatException e) {
                throw new SettingException(key, "must be a number, got '" + v.stringValue() + "'");
            }
        } else {
            throw new SettingException(key, "must be a number, got " + v);
        }
        if (!Double.isFinite(d) || d < min || (!minIncluded && d == min) || d > max) {
            throw new SettingException(key, "must be " + (minIncluded ? ">= " : "> ") + fmt(min)
                    + (max < Double.MAX_VALUE ? " and <= " + fmt(max) : "") + ", got " + v);
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String choice(JsonNode body, String key, List<String> allowed) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || !allowed.contains(v.stringValue())) {
            throw new SettingException(key, "must be one of " + String.join(", ", allowed) + ", got " + v);
        }
        return v.stringValue();
    }

    /** A setting the page sent that cannot be applied: {@code field: problem}. */
    public static final class SettingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The setting at fault. */
        private final String field;

        /**
         * A problem with one setting.
         *
         * @param field the setting, e.g. {@code lr}
         * @param problem what is wrong
         */
        public SettingException(String field, String problem) {
            super(field.isEmpty() ? problem : field + ": " + problem);
            this.field = field;
        }

        /** {@return the setting at fault} */
        public String field() {
            return field;
        }
    }
}
