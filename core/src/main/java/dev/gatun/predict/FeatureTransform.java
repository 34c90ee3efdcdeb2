package dev.gatun.predict;

/**
 * What turns raw examples into the values a network reads, as fitted on its training data
 * (standardization, min-max scaling). A {@link Predictor} shares one transform between all its
 * callers, so an implementation must be safe to call from several threads at once: read-only
 * fitted statistics are.
 */
@FunctionalInterface
public interface FeatureTransform {
    /** No preprocessing: the network reads the raw values. */
    FeatureTransform NONE = rows -> rows;

    /**
     * {@code rows} transformed: whole examples one after another (row-major,
     * {@code [count * features]}) in, as many values out. Must not modify {@code rows}; may
     * return it when it changes nothing.
     *
     * @param rows the examples, row-major
     * @return the transformed values, as many as in rows
     */
    float[] apply(float[] rows);

    /**
     * This transform, then {@code next}.
     *
     * @param next the transform applied after this one
     * @return the composed transform
     */
    default FeatureTransform andThen(FeatureTransform next) {
        return rows -> next.apply(apply(rows));
    }
}
