package dev.gatun.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every trial's validation metric after each epoch, and which trials finished: what the pruners
 * compare a running trial against. Shared by a sweep's workers, so every method is synchronized.
 */
public final class IntermediateValues {
    private final Map<Integer, List<Double>> byTrial = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();

    /** An empty board. */
    public IntermediateValues() {}

    /**
     * Records trial {@code trial}'s metric after {@code epoch}; epochs come in order from 1.
     *
     * @param trial the trial's number
     * @param epoch the epoch, from 1
     * @param value the metric after it
     * @throws IllegalArgumentException when {@code epoch} is not the trial's next
     */
    public synchronized void report(int trial, int epoch, double value) {
        List<Double> values = byTrial.computeIfAbsent(trial, t -> new ArrayList<>());
        if (epoch != values.size() + 1) {
            throw new IllegalArgumentException("trial " + trial + " reported epoch " + epoch + " after "
                    + values.size() + " epochs");
        }
        values.add(value);
    }

    /**
     * Marks {@code trial} finished (trained to its end): its values then count for the median pruner.
     *
     * @param trial the trial's number
     */
    public synchronized void finish(int trial) {
        finished.add(trial);
    }

    /** {@return how many trials finished} */
    public synchronized int finishedCount() {
        return finished.size();
    }

    /**
     * The values after {@code epoch} of the finished trials that trained that far.
     *
     * @param epoch the epoch, from 1
     * @return their values, in no particular order
     */
    public synchronized List<Double> finishedAt(int epoch) {
        List<Double> out = new ArrayList<>();
        for (int t : finished) {
            List<Double> v = byTrial.get(t);
            if (v != null && v.size() >= epoch) {
                out.add(v.get(epoch - 1));
            }
        }
        return out;
    }

    /**
     * The values after {@code epoch} of every other trial that reached it, finished, pruned or running.
     *
     * @param epoch the epoch, from 1
     * @param trial the trial to leave out
     * @return their values, in no particular order
     */
    public synchronized List<Double> othersAt(int epoch, int trial) {
        List<Double> out = new ArrayList<>();
        byTrial.forEach((t, v) -> {
            if (t != trial && v.size() >= epoch) {
                out.add(v.get(epoch - 1));
            }
        });
        return out;
    }

    /**
     * One trial's values so far.
     *
     * @param trial the trial's number
     * @return its values, epoch 1 first
     */
    public synchronized List<Double> of(int trial) {
        return List.copyOf(byTrial.getOrDefault(trial, List.of()));
    }
}
