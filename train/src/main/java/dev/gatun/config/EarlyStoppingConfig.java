package dev.gatun.config;

import java.util.List;

/**
 * The {@code early_stopping} section: {@code {monitor: val_loss, mode: min, patience: 3,
 * min_delta: 0, restore_best: true}}; the mode defaults to max for accuracies, min for losses.
 *
 * @param monitor the metric watched, e.g. {@code val_loss}
 * @param mode {@code min} or {@code max}: whether lower or higher is better
 * @param patience the epochs without improvement tolerated
 * @param minDelta the least change that counts as an improvement
 * @param restoreBest whether to restore the best epoch's weights when stopping
 */
public record EarlyStoppingConfig(String monitor, String mode, int patience, double minDelta, boolean restoreBest) {
    /** The metrics a config may watch, as {@code metrics.csv} names them. */
    public static final List<String> MONITORS = List.of("val_loss", "val_accuracy", "train_loss", "train_accuracy");

    static EarlyStoppingConfig from(ConfigNode n) {
        n.allowKeys("monitor", "mode", "patience", "min_delta", "restore_best");
        String monitor = n.choice("monitor", "val_loss", MONITORS);
        return new EarlyStoppingConfig(monitor, n.choice("mode", defaultMode(monitor), List.of("min", "max")),
                n.nonNegativeInt("patience", 3), n.nonNegative("min_delta", 0), n.bool("restore_best", true));
    }

    /** max for an accuracy, min for a loss. */
    static String defaultMode(String monitor) {
        return monitor.endsWith("accuracy") ? "max" : "min";
    }
}
