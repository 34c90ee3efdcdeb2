package dev.gatun.sweep;

import dev.gatun.config.ConfigException;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code search} section of a sweep: a config searched by TPE, or by random search with a pruner,
 * <pre>
 * search:
 *   method: tpe              # or random
 *   trials: 20
 *   seed: 7                  # default: the config's seed
 *   metric: val_loss         # val_loss (default), val_accuracy, train_loss or train_accuracy
 *   goal: min                # default: min for losses, max for accuracies
 *   startup_trials: 10       # tpe: trials drawn at random first (default 10)
 *   candidates: 24           # tpe: candidates drawn from l(x) per parameter (default 24)
 *   gamma: 0.1               # tpe: the good group's share (default 0.1, at most 25 trials)
 *   pruner: {type: median, warmup_epochs: 3}
 *   params: {optimizer.lr: {type: loguniform, low: 1.0e-4, high: 0.1}}
 * </pre>
 *
 * @param method {@code tpe} or {@code random}
 * @param trials how many trials the sweep runs
 * @param seed the seed of the proposals
 * @param metric the per-epoch metric that is optimized and pruned on
 * @param minimize whether lower values of the metric are better
 * @param startupTrials TPE's random trials first
 * @param candidates TPE's candidates per parameter
 * @param gamma TPE's good group's share
 * @param prunerOrNull the pruner, or null
 * @param params the searched parameters
 */
public record SweepSettings(String method, int trials, long seed, String metric, boolean minimize, int startupTrials,
                            int candidates, double gamma, Pruner prunerOrNull, SearchParams params) {
    /** The metrics a sweep may optimize: those every epoch reports. */
    public static final List<String> METRICS = List.of("val_loss", "val_accuracy", "train_loss", "train_accuracy");
    private static final Set<String> KEYS = Set.of("method", "trials", "seed", "metric", "goal", "startup_trials",
            "candidates", "gamma", "pruner", "params");

    /**
     * Whether a config tree is a sweep (run trial by trial, adaptively or with pruning) rather than
     * a search expanded up front: its {@code search} has {@code method: tpe} or a {@code pruner}.
     *
     * @param tree a config tree
     * @return whether {@link #parse} applies
     */
    public static boolean isSweep(JsonNode tree) {
        JsonNode search = tree == null ? null : tree.get("search");
        return search != null && search.isObject()
                && ("tpe".equals(search.path("method").asString("")) || search.has("pruner"));
    }

    /**
     * The sweep settings of a config tree.
     *
     * @param tree the config tree, with its {@code search} section
     * @return the settings
     * @throws ConfigException naming the key under {@code search} that is wrong
     */
    public static SweepSettings parse(JsonNode tree) {
        SearchKeys k = SearchKeys.of(tree.get("search"), "search", KEYS);
        String method = k.choice("method", null, List.of("tpe", "random"));
        int trials = k.count("trials", -1, 1);
        if (trials < 0) {
            throw k.error("trials", "is required: how many trials the sweep runs");
        }
        long seed = k.has("seed") ? k.whole("seed")
                : tree.path("seed").isIntegralNumber() && tree.path("seed").canConvertToLong() ? tree.get("seed").longValue()
                : 42;
        String metric = k.choice("metric", "val_loss", METRICS);
        String goal = k.choice("goal", metric.endsWith("loss") ? "min" : "max", List.of("min", "max"));
        boolean tpe = method.equals("tpe");
        for (String key : List.of("startup_trials", "candidates", "gamma")) {
            if (!tpe && k.has(key)) {
                throw k.error(key, "is a setting of method: tpe, not of random search");
            }
        }
        int startup = k.count("startup_trials", TpeSampler.DEFAULT_STARTUP, 1);
        int candidates = k.count("candidates", TpeSampler.DEFAULT_CANDIDATES, 1);
        double gamma = k.has("gamma") ? k.number("gamma") : TpeSampler.DEFAULT_GAMMA;
        if (!(gamma > 0 && gamma <= 1)) {
            throw k.error("gamma", "must be in (0, 1], got " + gamma);
        }
        Pruner pruner = k.has("pruner") ? Pruner.parse(tree.get("search").get("pruner"), k.path("pruner")) : null;
        SearchParams params = SearchParams.parse(tree.get("search").get("params"), k.path("params"));
        for (String path : params.dimensions().keySet()) {
            if (path.equals("backend") || path.equals("name") || path.startsWith("search")) {
                throw new ConfigException(k.path("params") + "." + path, "cannot be searched: a sweep's trials share one"
                        + " process, one backend and the sweep's name");
            }
        }
        return new SweepSettings(method, trials, seed, metric, goal.equals("min"), startup, candidates, gamma, pruner,
                params);
    }

    /** {@return the sampler these settings describe} */
    public Sampler sampler() {
        return method.equals("tpe") ? new TpeSampler(params, seed, minimize, startupTrials, candidates, gamma)
                : new RandomSampler(params, seed);
    }
}
