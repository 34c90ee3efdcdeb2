package dev.gatun.backend;

/** Reductions along one axis. */
public enum ReduceOp {
    /** The sum. */
    SUM,
    /** The maximum; NaN counts as larger than everything. */
    MAX
}
