package dev.gatun.train.parallel;

/** How {@link Collectives#allReduce} combines the ranks' values, element by element. */
public enum Reduction {
    /** The sum over ranks. */
    SUM,
    /** The sum over ranks divided by the number of ranks. */
    MEAN
}
