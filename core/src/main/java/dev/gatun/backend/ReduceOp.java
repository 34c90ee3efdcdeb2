package dev.gatun.backend;

/** Reductions along one axis. */
public enum ReduceOp {
    SUM, MAX
}
