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
     * Reads {@link #toJson()}'s form; {@code where} names the file for errors.
     *
     * @param array the JSON array of steps
     * @param where the file, for error messages
     * @return the steps
     * @throws IllegalArgumentException naming the step and field that is missing or malformed
     */
    public static FittedPreprocessing fromJson(JsonNode array, String where) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException(where + ": preprocessing must be a list");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = where + ": preprocessing[" + i + "]";
            JsonNode o = array.get(i);
            String type = o.path("type").asString("");
            try {
                steps.add(switch (type) {
                    case "standardize" -> new Standardize(Standardizer.of(floats(o, "mean", at), floats(o, "std", at)));
                    case "min_max" -> new MinMax(MinMaxScaler.of(floats(o, "min", at), floats(o, "max", at)));
                    case "one_hot" -> new OneHotTargets();
                    default -> throw new IllegalArgumentException("unknown type '" + type + "'");
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return new FittedPreprocessing(steps);
    }

    private static void floats(ArrayNode a, float[] v) {
        for (float f : v) {
            a.add(f);
        }
    }

    private static float[] floats(JsonNode o, String key, String at) {
        JsonNode a = o.get(key);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("'" + key + "' must be a list of numbers");
        }
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException("'" + key + "'[" + i + "] is not a number");
            }
            v[i] = a.get(i).floatValue();
        }
        return v;
    }
}
