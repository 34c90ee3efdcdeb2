package dev.gatun.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * GB moved, as a JMH aux counter: a benchmark adds each call's GB, and JMH reports the counter
 * per second in throughput mode, so the {@code :gb} row is GB/s directly. The memory-bound
 * twin of {@link FlopCounter}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
    public double gb;
}
