package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tracking.RunState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** TPE on analytic functions: it concentrates its proposals near the optimum, far more than random search. */
class TpeSamplerTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A log-scaled rate whose best is 10^-2.5, like a learning rate. */
    private static final SearchParams ONE_D = new SearchParams(Map.of("lr", new Dimension.Real(1e-5, 1, true)));

    private static double oneD(Map<String, JsonNode> p) {
        double d = Math.log10(p.get("lr").asDouble()) + 2.5;
        return d * d;
    }

    /** A uniform, an integer and a categorical parameter; the best is x = 0.3, n = 40, act = tanh. */
    private static final SearchParams MIXED;

    static {
        Map<String, Dimension> m = new LinkedHashMap<>();
        m.put("x", new Dimension.Real(-2, 2, false));
        m.put("n", new Dimension.Int(1, 256, true));
        m.put("act", new Dimension.Categorical(List.of(NODES.stringNode("relu"), NODES.stringNode("tanh"),
                NODES.stringNode("sigmoid"), NODES.stringNode("elu"))));
        MIXED = new SearchParams(m);
    }

    private static double mixed(Map<String, JsonNode> p) {
        double x = p.get("x").asDouble() - 0.3;
        double n = Math.log(p.get("n").asDouble() / 40.0);
        return x * x + n * n + (p.get("act").stringValue().equals("tanh") ? 0 : 1);
    }

    /** Runs {@code trials} trials of {@code f}, returning them in order. */
    private static List<TrialRecord> optimize(Sampler s, ToDoubleFunction<Map<String, JsonNode>> f, int trials) {
        List<TrialRecord> history = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Map<String, JsonNode> p = s.propose(i, history);
            history.add(new TrialRecord(i, p, RunState.FINISHED, f.applyAsDouble(p), List.of(), null, ""));
        }
        return history;
    }

    private static double best(List<TrialRecord> h) {
        return h.stream().mapToDouble(TrialRecord::value).min().orElseThrow();
    }

    /** Mean objective of the trials after the first {@code skip}: where the sampler spends its budget. */
    private static double meanAfter(List<TrialRecord> h, int skip) {
        return h.subList(skip, h.size()).stream().mapToDouble(TrialRecord::value).average().orElseThrow();
    }

    @Test
    void concentratesOnTheOptimumOfALogScaledRateFarMoreThanRandom() {
        double tpeMean = 0;
        double randomMean = 0;
        double tpeBest = 0;
        double randomBest = 0;
        int seeds = 10;
        for (int seed = 0; seed < seeds; seed++) {
            List<TrialRecord> tpe = optimize(new TpeSampler(ONE_D, seed, true, 10, 24, 0.1), TpeSamplerTest::oneD, 50);
            List<TrialRecord> random = optimize(new RandomSampler(ONE_D, seed), TpeSamplerTest::oneD, 50);
            tpeMean += meanAfter(tpe, 10) / seeds;
            randomMean += meanAfter(random, 10) / seeds;
            tpeBest += best(tpe) / seeds;
            randomBest += best(random) / seeds;
            // Every proposal lies in the range.
            tpe.forEach(t -> {
                double lr = t.params().get("lr").asDouble();
                assertTrue(lr >= 1e-5 && lr <= 1, "lr " + lr);
            });
        }
        // Random's proposals average (5/2)^2/3... ≈ 2.1 decades squared off; TPE's stay within about one decade.
        assertTrue(tpeMean < randomMean / 3, "TPE mean " + tpeMean + " vs random " + randomMean);
        assertTrue(tpeBest < randomBest, "TPE best " + tpeBest + " vs random " + randomBest);
    }

    @Test
    void findsAMixedOptimumWithIntegersAndCategoriesBetterThanRandom() {
        double tpeMean = 0;
        double randomMean = 0;
        int tpeTanh = 0;
        int seeds = 8;
        for (int seed = 0; seed < seeds; seed++) {
            List<TrialRecord> tpe = optimize(new TpeSampler(MIXED, seed, true, 10, 24, 0.1), TpeSamplerTest::mixed, 60);
            List<TrialRecord> random = optimize(new RandomSampler(MIXED, seed), TpeSamplerTest::mixed, 60);
            tpeMean += meanAfter(tpe, 10) / seeds;
            randomMean += meanAfter(random, 10) / seeds;
            tpeTanh += (int) tpe.subList(30, 60).stream().filter(t -> t.params().get("act").stringValue().equals("tanh"))
                    .count();
            for (TrialRecord t : tpe) {
                long n = t.params().get("n").asLong();
                assertTrue(t.params().get("n").isIntegralNumber() && n >= 1 && n <= 256, "n " + t.params().get("n"));
            }
        }
        assertTrue(tpeMean < randomMean / 2, "TPE mean " + tpeMean + " vs random " + randomMean);
        // Random picks tanh a quarter of the time; TPE's later proposals mostly pick it.
        assertTrue(tpeTanh > seeds * 30 / 2, "tanh in " + tpeTanh + " of " + seeds * 30 + " late TPE proposals");
    }

    @Test
    void maximizingFollowsTheGoal() {
        // The same function negated, maximized: the proposals concentrate the same way.
        double mean = 0;
        for (int seed = 0; seed < 5; seed++) {
            TpeSampler s = new TpeSampler(ONE_D, seed, false, 10, 24, 0.1);
            mean += meanAfter(optimize(s, p -> -oneD(p), 40), 10) / 5;
        }
        assertTrue(mean > -1.0, "mean of -f " + mean);
    }

    @Test
    void aProposalDependsOnlyOnSeedNumberAndHistory() {
        List<TrialRecord> h = optimize(new TpeSampler(MIXED, 3, true, 5, 24, 0.1), TpeSamplerTest::mixed, 20);
        TpeSampler again = new TpeSampler(MIXED, 3, true, 5, 24, 0.1);
        assertEquals(h.get(15).params(), again.propose(15, h.subList(0, 15)));
        // Shuffled history, same proposal.
        List<TrialRecord> reversed = new ArrayList<>(h.subList(0, 15)).reversed();
        assertEquals(h.get(15).params(), again.propose(15, reversed));
        assertTrue(!h.get(15).params().equals(new TpeSampler(MIXED, 4, true, 5, 24, 0.1).propose(15, h.subList(0, 15))));
    }

    @Test
    void startupTrialsAreRandomAndFailedOnesDoNotCount() {
        TpeSampler tpe = new TpeSampler(ONE_D, 9, true, 4, 24, 0.1);
        RandomSampler random = new RandomSampler(ONE_D, 9);
        List<TrialRecord> failed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            failed.add(new TrialRecord(i, random.propose(i, List.of()), RunState.FAILED, Double.NaN, List.of(), null, "x"));
        }
        // Six failed trials are no history: still a random draw.
        assertEquals(random.propose(6, List.of()), tpe.propose(6, failed));
    }

    @Test
    void prunedTrialsRankAfterFinishedOnesLongestFirst() {
        TpeSampler tpe = new TpeSampler(ONE_D, 1, true, 1, 24, 0.1);
        Map<String, JsonNode> p = Map.of("lr", NODES.numberNode(0.01));
        List<TrialRecord> h = List.of(
                new TrialRecord(0, p, RunState.PRUNED, 0.1, List.of(0.5, 0.1), null, ""),
                new TrialRecord(1, p, RunState.FINISHED, 0.9, List.of(1.0, 0.9, 0.9), null, ""),
                new TrialRecord(2, p, RunState.PRUNED, 0.05, List.of(0.05), null, ""),
                new TrialRecord(3, p, RunState.FINISHED, 0.3, List.of(0.5, 0.4, 0.3), null, ""),
                new TrialRecord(4, p, RunState.FAILED, Double.NaN, List.of(), null, ""));
        assertEquals(List.of(3, 1, 0, 2), tpe.rank(h).stream().map(TrialRecord::number).toList());
    }

    @Test
    void optunasWeightsRampUpForTrialsOlderThanTheLatest25() {
        assertEquals(List.of(1.0, 1.0, 1.0), boxed(TpeSampler.weights(3)));
        double[] w = TpeSampler.weights(30);
        assertEquals(1.0 / 30, w[0], 1e-12);
        assertEquals(1.0, w[4], 1e-12);
        assertEquals(1.0, w[29], 1e-12);
        assertTrue(w[1] > w[0] && w[2] > w[1]);
    }

    private static List<Double> boxed(double[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
