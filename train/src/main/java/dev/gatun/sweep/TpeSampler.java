package dev.gatun.sweep;

import dev.gatun.tracking.RunState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.JsonNode;

/**
 * The Tree-structured Parzen Estimator (Bergstra et al. 2011), as Optuna's {@code TPESampler}
 * runs it by default (univariate, with its default gamma, weights and bandwidths).
 *
 * <ol>
 *   <li>The first {@code startupTrials} trials are drawn at random.</li>
 *   <li>Then the ended trials are ranked: finished ones by their value, pruned ones after them
 *       (those that trained longer first, then by value); failed ones are left out. The best
 *       {@code min(ceil(gamma · n), 25)} are the good group, the rest the bad one.</li>
 *   <li>For each parameter, a Parzen estimator l(x) is fitted to the good group's values and g(x)
 *       to the bad group's: truncated Gaussian mixtures for numbers ({@link ParzenEstimator}),
 *       smoothed counts for categories ({@link CategoricalEstimator}). Trials older than the
 *       latest 25 of a group weigh less, ramping up linearly.</li>
 *   <li>{@code candidates} values are drawn from l(x), and the one with the largest l(x)/g(x) is
 *       proposed.</li>
 * </ol>
 *
 * @param space the searched parameters
 * @param seed the sweep's seed
 * @param minimize whether lower objective values are better
 * @param startupTrials how many trials are drawn at random first
 * @param candidates how many candidates are drawn from l(x) for each parameter
 * @param gamma the fraction of ended trials in the good group
 */
public record TpeSampler(SearchParams space, long seed, boolean minimize, int startupTrials, int candidates,
                         double gamma) implements Sampler {
    /** Optuna's defaults: 10 startup trials, 24 candidates. */
    public static final int DEFAULT_STARTUP = 10;
    /** How many candidates are drawn from l(x) by default. */
    public static final int DEFAULT_CANDIDATES = 24;
    /** The good group's share by default. */
    public static final double DEFAULT_GAMMA = 0.1;
    private static final int MAX_GOOD = 25;
    private static final int FULL_WEIGHT = 25;
    private static final double PRIOR_WEIGHT = 1.0;

    /** Checks the settings. */
    public TpeSampler {
        if (startupTrials < 1 || candidates < 1 || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("TPE needs startup_trials >= 1, candidates >= 1 and 0 < gamma <= 1, got "
                    + startupTrials + ", " + candidates + ", " + gamma);
        }
    }

    @Override
    public Map<String, JsonNode> propose(int number, List<TrialRecord> history) {
        SplittableRandom rng = Sampler.random(seed, number);
        List<TrialRecord> ranked = rank(history);
        if (ranked.size() < startupTrials) {
            return RandomSampler.draw(space, rng);
        }
        int good = Math.min(MAX_GOOD, Math.max(1, (int) Math.ceil(gamma * ranked.size())));
        List<TrialRecord> below = byNumber(ranked.subList(0, good));
        List<TrialRecord> above = byNumber(ranked.subList(good, ranked.size()));
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, Dimension> e : space.dimensions().entrySet()) {
            out.put(e.getKey(), proposeOne(e.getKey(), e.getValue(), below, above, rng.split()));
        }
        return out;
    }

    /**
     * The ended trials from best to worst: finished ones by value (NaN last), then pruned ones
     * (longest trained first, then by value); failed ones are left out.
     *
     * @param history the ended trials
     * @return the ranked trials that count
     */
    List<TrialRecord> rank(List<TrialRecord> history) {
        Comparator<Double> byValue = (a, b) -> {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
            }
            return minimize ? Double.compare(a, b) : Double.compare(b, a);
        };
        Comparator<TrialRecord> order = Comparator.<TrialRecord>comparingInt(t -> t.state() == RunState.FINISHED ? 0 : 1)
                .thenComparing(t -> t.state() == RunState.FINISHED ? 0 : -t.epochs())
                .thenComparing(TrialRecord::value, byValue)
                .thenComparingInt(TrialRecord::number);
        return history.stream().filter(t -> t.state() != RunState.FAILED).sorted(order).toList();
    }

    private static List<TrialRecord> byNumber(List<TrialRecord> group) {
        return group.stream().sorted(Comparator.comparingInt(TrialRecord::number)).toList();
    }

    private JsonNode proposeOne(String path, Dimension d, List<TrialRecord> below, List<TrialRecord> above,
            SplittableRandom rng) {
        return switch (d) {
            case Dimension.Real r -> r.value(bestNumeric(axis(path, below, r::axis), axis(path, above, r::axis),
                    r.lowAxis(), r.highAxis(), rng));
            case Dimension.Int i -> i.value(bestNumeric(axis(path, below, i::axis), axis(path, above, i::axis),
                    i.lowAxis(), i.highAxis(), rng));
            case Dimension.Categorical c -> c.values().get(bestCategory(indices(path, below, c), indices(path, above, c),
                    c.values().size(), rng)).deepCopy();
        };
    }

    private record Observed<T>(T values, double[] weights) {}

    private static Observed<double[]> axis(String path, List<TrialRecord> group,
            java.util.function.ToDoubleFunction<JsonNode> toAxis) {
        List<Double> xs = new ArrayList<>();
        for (TrialRecord t : group) {
            JsonNode v = t.params().get(path);
            if (v != null && v.isNumber()) {
                xs.add(toAxis.applyAsDouble(v));
            }
        }
        return new Observed<>(xs.stream().mapToDouble(Double::doubleValue).toArray(), weights(xs.size()));
    }

    private static Observed<int[]> indices(String path, List<TrialRecord> group, Dimension.Categorical c) {
        List<Integer> xs = new ArrayList<>();
        for (TrialRecord t : group) {
            JsonNode v = t.params().get(path);
            int i = v == null ? -1 : c.indexOf(v);
            if (i >= 0) {
                xs.add(i);
            }
        }
        return new Observed<>(xs.stream().mapToInt(Integer::intValue).toArray(), weights(xs.size()));
    }

    /** Optuna's default weights: 1 for the latest 25, a linear ramp up to them for older ones. */
    static double[] weights(int n) {
        double[] w = new double[n];
        int ramp = Math.max(0, n - FULL_WEIGHT);
        for (int i = 0; i < n; i++) {
            w[i] = i >= ramp ? 1.0 : ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        }
        return w;
    }

    private double bestNumeric(Observed<double[]> below, Observed<double[]> above, double low, double high,
            SplittableRandom rng) {
        ParzenEstimator l = new ParzenEstimator(below.values(), below.weights(), low, high, PRIOR_WEIGHT);
        ParzenEstimator g = new ParzenEstimator(above.values(), above.weights(), low, high, PRIOR_WEIGHT);
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            double x = l.sample(rng);
            double score = l.logDensity(x) - g.logDensity(x);
            if (Double.isNaN(best) || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    private int bestCategory(Observed<int[]> below, Observed<int[]> above, int choices, SplittableRandom rng) {
        CategoricalEstimator l = new CategoricalEstimator(below.values(), below.weights(), choices, PRIOR_WEIGHT);
        CategoricalEstimator g = new CategoricalEstimator(above.values(), above.weights(), choices, PRIOR_WEIGHT);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            int c = l.sample(rng);
            double score = l.logProbability(c) - g.logProbability(c);
            if (best < 0 || score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }
}
