package dev.gatun.sweep;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One searched parameter's range. Numeric ranges are searched on an internal axis (the logarithm
 * for log scales, the integers widened by half a step on each side), on which the sampler's
 * Parzen estimators live; categorical ones by the index of their value.
 */
public sealed interface Dimension {
    /** Drawn numbers keep 4 significant digits, so a trial's name shows exactly the value it used. */
    MathContext DRAWN_DIGITS = new MathContext(4);

    /**
     * A value drawn uniformly on the internal axis (log-uniformly for log scales).
     *
     * @param rng the random source
     * @return the config value
     */
    JsonNode draw(SplittableRandom rng);

    /**
     * Continuous numbers in {@code [low, high]}, uniformly or log-uniformly.
     *
     * @param low the smallest value
     * @param high the largest value
     * @param log whether the scale is logarithmic (then {@code low > 0})
     */
    record Real(double low, double high, boolean log) implements Dimension {
        @Override
        public JsonNode draw(SplittableRandom rng) {
            return value(rng.nextDouble(lowAxis(), highAxis()));
        }

        /** {@return the low end on the internal axis} */
        public double lowAxis() {
            return log ? Math.log(low) : low;
        }

        /** {@return the high end on the internal axis} */
        public double highAxis() {
            return log ? Math.log(high) : high;
        }

        /**
         * The config value of a point on the internal axis, clipped to the range and rounded to 4
         * significant digits.
         *
         * @param axis the point on the internal axis
         * @return the config value
         */
        public JsonNode value(double axis) {
            double v = Math.clamp(log ? Math.exp(axis) : axis, low, high);
            // Rounding may step past an end that has more than 4 digits: then the end itself.
            double rounded = Math.clamp(new BigDecimal(v).round(DRAWN_DIGITS).doubleValue(), low, high);
            return JsonNodeFactory.instance.numberNode(rounded);
        }

        /**
         * The point on the internal axis of a config value.
         *
         * @param value a number in the range
         * @return its position on the internal axis
         */
        public double axis(JsonNode value) {
            return log ? Math.log(value.asDouble()) : value.asDouble();
        }
    }

    /**
     * Whole numbers in {@code [low, high]}, both included, uniformly or log-uniformly.
     *
     * @param low the smallest value
     * @param high the largest value
     * @param log whether the scale is logarithmic (then {@code low >= 1})
     */
    record Int(long low, long high, boolean log) implements Dimension {
        @Override
        public JsonNode draw(SplittableRandom rng) {
            return value(rng.nextDouble(lowAxis(), highAxis()));
        }

        /** {@return the low end on the internal axis: half a step below {@code low}} */
        public double lowAxis() {
            return log ? Math.log(low - 0.5) : low - 0.5;
        }

        /** {@return the high end on the internal axis: half a step above {@code high}} */
        public double highAxis() {
            return log ? Math.log(high + 0.5) : high + 0.5;
        }

        /**
         * The whole number nearest a point on the internal axis, clipped to the range.
         *
         * @param axis the point on the internal axis
         * @return the config value
         */
        public JsonNode value(double axis) {
            long v = Math.clamp(Math.round(log ? Math.exp(axis) : axis), low, high);
            // An int node where it fits, as a config file's number reads back: equal trees compare equal.
            return v == (int) v ? JsonNodeFactory.instance.numberNode((int) v) : JsonNodeFactory.instance.numberNode(v);
        }

        /**
         * The point on the internal axis of a config value.
         *
         * @param value a whole number in the range
         * @return its position on the internal axis
         */
        public double axis(JsonNode value) {
            return log ? Math.log(value.asDouble()) : value.asDouble();
        }
    }

    /**
     * One of a list of config values (numbers, strings, lists, mappings).
     *
     * @param values the values, each once
     */
    record Categorical(List<JsonNode> values) implements Dimension {
        /** Copies the values. */
        public Categorical {
            values = List.copyOf(values);
        }

        @Override
        public JsonNode draw(SplittableRandom rng) {
            return values.get(rng.nextInt(values.size())).deepCopy();
        }

        /**
         * The index of a config value in the list, or -1.
         *
         * @param value a config value
         * @return its index, or -1 when it is not one of the values
         */
        public int indexOf(JsonNode value) {
            return values.indexOf(value);
        }
    }
}
