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
     */
    float[] apply(float[] rows);

    /** This transform, then {@code next}. */
    default FeatureTransform andThen(FeatureTransform next) {
        return rows -> next.apply(apply(rows));
    }
}
