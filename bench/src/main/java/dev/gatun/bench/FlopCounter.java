package dev.gatun.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * GFLOP done, as a JMH aux counter: a benchmark adds each call's GFLOP, and JMH reports the
 * counter per second in throughput mode, so the {@code :gflop} row is GFLOP/s directly (and the
 * report reads it as such).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    public double gflop;
}
