package dev.gatun.studio.play;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

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

    /**
     * The {@code batch} event of drained points, as a playground run and a CLI run both send it.
     *
     * @param run the run's id
     * @param points the points, each {step, loss, accuracy (NaN for none)}
     * @param epoch the epoch the points belong to
     * @param batch the batch index within the epoch, 0-based
     * @param batches the batches per epoch
     * @param lr the learning rate
     * @param samplesPerSecond the training speed so far
     * @return the event object
     */
    public static ObjectNode batchEvent(String run, double[][] points, int epoch, int batch, int batches, double lr,
            double samplesPerSecond) {
        ObjectNode o = EventJson.event(run);
        ArrayNode list = o.putArray("points");
        for (double[] p : points) {
            ArrayNode a = list.addArray();
            a.add((long) p[0]);
            EventJson.number(a, p[1]);
            EventJson.number(a, p[2]);
        }
        o.put("epoch", epoch);
        o.put("batch", batch);
        o.put("batches", batches);
        EventJson.number(o, "lr", lr);
        EventJson.number(o, "samplesPerSecond", samplesPerSecond);
        return o;
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
