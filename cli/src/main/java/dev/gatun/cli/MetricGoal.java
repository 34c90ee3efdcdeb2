package dev.gatun.cli;

import java.util.Locale;

/** Whether a higher or a lower value of a metric is better, from its name unless the user says. */
final class MetricGoal {
    private MetricGoal() {}

    /**
     * Lower is better for losses and errors ({@code *loss}, {@code *mse}, {@code *mae},
     * {@code *error}); higher for everything else (accuracy, F1, R²). {@code lowerOrNull}
     * overrides the guess.
     */
    static boolean higherIsBetter(String metric, Boolean lowerOrNull) {
        if (lowerOrNull != null) {
            return !lowerOrNull;
        }
        String m = metric.toLowerCase(Locale.ROOT);
        return !(m.endsWith("loss") || m.endsWith("mse") || m.endsWith("mae") || m.endsWith("error"));
    }
}
