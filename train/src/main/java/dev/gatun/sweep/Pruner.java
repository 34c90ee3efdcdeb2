package dev.gatun.sweep;

import dev.gatun.config.ConfigException;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Decides after each epoch whether a trial goes on: a sweep's {@code search.pruner},
 * {@code {type: median, warmup_epochs: k}} or {@code {type: asha, min_epochs: r, reduction_factor: η}}.
 */
public sealed interface Pruner permits MedianPruner, AshaPruner {
    /**
     * Why trial {@code trial} should stop after {@code epoch}, or null to go on. The trial's own
     * value is already on {@code board}.
     *
     * @param trial the trial's number
     * @param epoch the epoch just trained, from 1
     * @param value its metric after that epoch
     * @param board every trial's values so far
     * @param minimize whether lower values are better
     * @return the reason in one line (without the metric's name), or null
     */
    String reasonToPrune(int trial, int epoch, double value, IntermediateValues board, boolean minimize);

    /**
     * The pruner a {@code search.pruner} mapping describes.
     *
     * @param spec the mapping
     * @param where its path in the config
     * @return the pruner
     * @throws ConfigException naming the key that is wrong
     */
    static Pruner parse(JsonNode spec, String where) {
        SearchKeys k = SearchKeys.of(spec, where, Set.of("type", "warmup_epochs", "startup_trials", "min_epochs",
                "reduction_factor", "min_early_stopping_rate"));
        String type = k.choice("type", null, List.of("median", "asha"));
        List<String> allowed = type.equals("median") ? List.of("type", "warmup_epochs", "startup_trials")
                : List.of("type", "min_epochs", "reduction_factor", "min_early_stopping_rate");
        for (String key : spec.propertyNames()) {
            if (!allowed.contains(key)) {
                throw k.error(key, "not a key of the " + type + " pruner (its keys: " + String.join(", ", allowed) + ")");
            }
        }
        return switch (type) {
            case "median" -> new MedianPruner(k.count("warmup_epochs", 0, 0), k.count("startup_trials", 5, 1));
            default -> new AshaPruner(k.count("min_epochs", 1, 1), k.count("reduction_factor", 3, 2),
                    k.count("min_early_stopping_rate", 0, 0));
        };
    }

    /**
     * Whether {@code value} is worse than {@code reference} for the goal; NaN is worse than anything.
     *
     * @param value the value judged
     * @param reference what it is compared with
     * @param minimize whether lower values are better
     * @return whether {@code value} is worse
     */
    static boolean worse(double value, double reference, boolean minimize) {
        if (Double.isNaN(value)) {
            return true;
        }
        return minimize ? value > reference : value < reference;
    }
}
