package dev.gatun.config;

import dev.gatun.data.Dataset;
import dev.gatun.data.MinMaxScaler;
import dev.gatun.data.OneHot;
import dev.gatun.data.Standardizer;
import dev.gatun.predict.FeatureTransform;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code data.preprocessing} steps as fitted on a run's training part. A trained model is
 * only valid on data transformed the same way, so the statistics are saved with it (in
 * {@code model.json}) and applied again by {@code gatun eval} and {@code gatun predict}.
 *
 * @param steps the fitted steps, in order
 */
public record FittedPreprocessing(List<Step> steps) {
    /** The most steps a saved preprocessing may list. */
    public static final int MAX_STEPS = 16;

    /** One fitted step. */
    public sealed interface Step {
        /**
         * Applies the step to a data set.
         *
         * @param data the data set
         * @return data, transformed as it is read
         */
        Dataset apply(Dataset data);

        /**
         * What the step does to the rows of raw examples a {@link dev.gatun.predict.Predictor} is given.
         *
         * @return the transform of raw rows
         */
        FeatureTransform features();
    }

    /**
     * Standardization with the training part's mean and std.
     *
     * @param standardizer the fitted standardizer
     */
    public record Standardize(Standardizer standardizer) implements Step {
        @Override
        public Dataset apply(Dataset data) {
            return standardizer.transform(data);
        }

        @Override
        public FeatureTransform features() {
            return standardizer::transform;
        }
    }

    /**
     * Min-max scaling with the training part's range.
     *
     * @param scaler the fitted scaler
     */
    public record MinMax(MinMaxScaler scaler) implements Step {
        @Override
        public Dataset apply(Dataset data) {
            return scaler.transform(data);
        }

        @Override
        public FeatureTransform features() {
            return scaler::transform;
        }
    }

    /** Class labels as one-hot float targets (nothing to fit). */
    public record OneHotTargets() implements Step {
        @Override
        public Dataset apply(Dataset data) {
            return OneHot.of(data);
        }

        /** None: this step changes targets only. */
        @Override
        public FeatureTransform features() {
            return FeatureTransform.NONE;
        }
    }

    /** Copies the list of steps. */
    public FittedPreprocessing {
        steps = List.copyOf(steps);
    }

    /** {@return the empty preprocessing, which changes nothing} */
    public static FittedPreprocessing none() {
        return new FittedPreprocessing(List.of());
    }

    /**
     * {@code data} through every step, in order.
     *
     * @param data the data set
     * @return data, transformed as it is read
     */
    public Dataset apply(Dataset data) {
        Dataset d = data;
        for (Step s : steps) {
            d = s.apply(d);
        }
        return d;
    }

    /**
     * Every step's {@link Step#features()}, in order: the preprocessing of a predictor's raw rows.
     *
     * @return the transform of raw rows
     */
    public FeatureTransform featureTransform() {
        FeatureTransform t = FeatureTransform.NONE;
        for (Step s : steps) {
            t = t.andThen(s.features());
        }
        return t;
    }

    /**
     * {@return the steps as JSON: {@code [{"type": "standardize", "mean": [...], "std": [...]}, ...]}}
     */
    public ArrayNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Step s : steps) {
            ObjectNode o = a.addObject();
            switch (s) {
                case Standardize st -> {
                    o.put("type", "standardize");
                    floats(o.putArray("mean"), st.standardizer().mean());
                    floats(o.putArray("std"), st.standardizer().std());
                }
                case MinMax mm -> {
                    o.put("type", "min_max");
                    floats(o.putArray("min"), mm.scaler().min());
                    floats(o.putArray("max"), mm.scaler().max());
                }
                case OneHotTargets oh -> o.put("type", "one_hot");
            }
        }
        return a;
    }

    /**
     * Reads {@link #toJson()}'s form; {@code where} names the file for errors. The text is
     * untrusted: every step is checked (type, keys, lists of finite float32 values, {@code std >= 0},
     * {@code min <= max}) before anything is made of it.
     *
     * @param array the JSON array of steps
     * @param where the file, for error messages
     * @return the steps
     * @throws ModelCardException naming the step and field that is missing or malformed
     */
    public static FittedPreprocessing fromJson(JsonNode array, String where) {
        if (array == null || !array.isArray()) {
            throw new ModelCardException(where, "preprocessing", "must be a list, got " + ConfigNode.kind(array));
        }
        if (array.size() > MAX_STEPS) {
            throw new ModelCardException(where, "preprocessing", "has " + array.size() + " steps, more than the "
                    + MAX_STEPS + " a model may have");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "preprocessing[" + i + "]";
            JsonNode o = array.get(i);
            if (!o.isObject()) {
                throw new ModelCardException(where, at, "must be an object, got " + ConfigNode.kind(o));
            }
            JsonNode typeNode = o.get("type");
            String type = typeNode != null && typeNode.isString() ? typeNode.stringValue() : "";
            List<String> keys = switch (type) {
                case "standardize" -> List.of("type", "mean", "std");
                case "min_max" -> List.of("type", "min", "max");
                case "one_hot" -> List.of("type");
                default -> throw new ModelCardException(where, at, (typeNode == null ? "'type' is missing"
                        : "unknown type " + ConfigNode.kind(typeNode)) + " (known: standardize, min_max, one_hot)");
            };
            for (String key : o.propertyNames()) {
                if (!keys.contains(key)) {
                    throw new ModelCardException(where, at, "unknown key '" + key + "' for a " + type + " step");
                }
            }
            try {
                steps.add(switch (type) {
                    case "standardize" -> new Standardize(Standardizer.of(floats(o, "mean", where, at),
                            floats(o, "std", where, at)));
                    case "min_max" -> new MinMax(MinMaxScaler.of(floats(o, "min", where, at),
                            floats(o, "max", where, at)));
                    default -> new OneHotTargets();
                });
            } catch (ModelCardException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ModelCardException(where, at, e.getMessage(), e);
            }
        }
        return new FittedPreprocessing(steps);
    }

    private static void floats(ArrayNode a, float[] v) {
        for (float f : v) {
            a.add(f);
        }
    }

    /** The list {@code key} of step {@code o}: finite numbers within float32's range, rounded to float32. */
    private static float[] floats(JsonNode o, String key, String where, String at) {
        JsonNode a = o.get(key);
        if (a == null || !a.isArray()) {
            throw new ModelCardException(where, at, "'" + key + "' must be a list of numbers");
        }
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode e = a.get(i);
            if (!e.isNumber()) {
                throw new ModelCardException(where, at, "'" + key + "'[" + i + "] is not a number, got "
                        + ConfigNode.kind(e));
            }
            double d = ConfigNode.doubleOf(e);
            float f = (float) d;
            if (!Float.isFinite(f)) {
                throw new ModelCardException(where, at, "'" + key + "'[" + i + "]" + (Double.isFinite(d) ? " = " + d : "")
                        + " is beyond the float32 range (±" + Float.MAX_VALUE + ")");
            }
            v[i] = f;
        }
        return v;
    }
}
