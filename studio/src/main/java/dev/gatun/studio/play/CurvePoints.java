package dev.gatun.studio.play;

import java.util.ArrayList;
import java.util.List;

/**
 * A training curve's points as they go to the page: one per optimizer step while a step takes a
 * millisecond or more; for faster training, the mean over the steps of each millisecond (with the
 * last step's number), so a page gets at most {@value #PER_SECOND} points a second whatever the
 * speed. Not thread-safe: the training thread adds, and drains into its events.
 */
public final class CurvePoints {
    /** The most points a second of training. */
    public static final int PER_SECOND = 1000;
    private static final long POINT_NANOS = 1_000_000_000L / PER_SECOND;

    private final List<double[]> closed = new ArrayList<>();
    private long steps;
    private long lastStep;
    private double lossSum;
    private double accuracySum;
    private long opened;

    /** An empty curve. */
    public CurvePoints() {}

    /**
     * Adds one step's loss and accuracy (NaN for regression).
     *
     * @param step the optimizer step, from 1
     * @param loss its loss
     * @param accuracy its accuracy, or NaN
     */
    public void add(long step, double loss, double accuracy) {
        long now = System.nanoTime();
        if (steps > 0 && now - opened >= POINT_NANOS) {
            close();
        }
        if (steps == 0) {
            opened = now;
        }
        steps++;
        lastStep = step;
        lossSum += loss;
        accuracySum += accuracy;
    }

    /** {@return whether no point waits to be drained} */
    public boolean isEmpty() {
        return closed.isEmpty() && steps == 0;
    }

    /**
     * The points so far, the open one closed: each {step, loss, accuracy}.
     *
     * @return the points, oldest first; the buffer is then empty
     */
    public double[][] drain() {
        close();
        double[][] out = closed.toArray(double[][]::new);
        closed.clear();
        return out;
    }

    private void close() {
        if (steps > 0) {
            closed.add(new double[] {lastStep, lossSum / steps, accuracySum / steps});
            steps = 0;
            lossSum = 0;
            accuracySum = 0;
        }
    }
}
