package dev.gatun.config;

import java.util.List;

/**
 * A {@code schedule} section: {@code {type: cosine, t_max: 10, per: epoch, warmup: 1,
 * warmup_start_factor: 0.1}}. Step counts ({@code t_max}, {@code step_size}, {@code warmup}...)
 * are in the unit the schedule advances in: epochs, or batches with {@code per: batch}. The base
 * rate is the optimizer's {@code lr}; a linear warm-up multiplies onto any rule but plateau.
 *
 * @param rule the schedule's rule
 * @param per {@code epoch} or {@code batch}: what one schedule step is
 * @param warmup the warm-up steps, 0 for none
 * @param warmupStartFactor the warm-up's factor at step 0
 */
public record ScheduleConfig(Rule rule, String per, int warmup, double warmupStartFactor) {
    /** The {@code type} values. */
    public static final List<String> TYPES = List.of("step", "exponential", "cosine", "cosine_restarts", "cyclic",
            "one_cycle", "plateau");

    /** How the rate moves; one record per {@code type}. */
    public sealed interface Rule {}

    /**
     * {@code step}: × gamma every {@code step_size} steps.
     *
     * @param stepSize the steps between reductions
     * @param gamma the factor per reduction
     */
    public record Step(int stepSize, double gamma) implements Rule {}

    /**
     * {@code exponential}: × gamma every step.
     *
     * @param gamma the factor per reduction
     */
    public record Exponential(double gamma) implements Rule {}

    /**
     * {@code cosine}: down to {@code eta_min} over {@code t_max} steps.
     *
     * @param tMax the steps from lr down to eta_min
     * @param etaMin the lowest rate
     */
    public record Cosine(int tMax, double etaMin) implements Rule {}

    /**
     * {@code cosine_restarts}: cosine over {@code t_0} steps, restarting; each period × {@code t_mult}.
     *
     * @param t0 the first period's length in steps
     * @param tMult the factor each period grows by
     * @param etaMin the lowest rate
     */
    public record CosineRestarts(int t0, int tMult, double etaMin) implements Rule {}

    /**
     * {@code cyclic}: triangular between lr and {@code max_lr}, up {@code step_size_up}, down {@code step_size_down}.
     *
     * @param maxLr the highest rate
     * @param stepSizeUp the steps from lr up to max_lr
     * @param stepSizeDown the steps from max_lr back down to lr
     */
    public record Cyclic(double maxLr, int stepSizeUp, int stepSizeDown) implements Rule {}

    /**
     * {@code one_cycle}: up to {@code max_lr} and down again; {@code total_steps} 0 means the whole run.
     *
     * @param maxLr the highest rate
     * @param totalSteps the length of the cycle in steps, 0 for the whole run
     * @param pctStart the fraction of the cycle spent rising
     * @param divFactor the starting rate is max_lr / div_factor
     * @param finalDivFactor the final rate is the starting rate / final_div_factor
     */
    public record OneCycle(double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor)
            implements Rule {}

    /**
     * {@code plateau}: × factor once {@code monitor} has not improved for more than {@code patience} epochs.
     *
     * @param monitor the metric watched, e.g. {@code val_loss}
     * @param mode {@code min} or {@code max}: whether lower or higher is better
     * @param factor the factor the rate is multiplied by
     * @param patience the epochs without improvement tolerated
     * @param threshold the least relative change that counts as an improvement
     * @param cooldown the epochs to wait after a reduction
     * @param minLr the lowest rate
     */
    public record Plateau(String monitor, String mode, double factor, int patience, double threshold, int cooldown,
                          double minLr) implements Rule {}

    static ScheduleConfig from(ConfigNode n) {
        String type = n.choice("type", null, TYPES);
        List<String> common = List.of("type", "per", "warmup", "warmup_start_factor");
        Rule rule = switch (type) {
            case "step" -> {
                allow(n, common, "step_size", "gamma");
                yield new Step(n.positiveInt("step_size"), gamma(n, 0.1));
            }
            case "exponential" -> {
                allow(n, common, "gamma");
                yield new Exponential(gamma(n, 0.9));
            }
            case "cosine" -> {
                allow(n, common, "t_max", "eta_min");
                yield new Cosine(n.positiveInt("t_max"), n.nonNegative("eta_min", 0));
            }
            case "cosine_restarts" -> {
                allow(n, common, "t_0", "t_mult", "eta_min");
                yield new CosineRestarts(n.positiveInt("t_0"), n.positiveInt("t_mult", 1), n.nonNegative("eta_min", 0));
            }
            case "cyclic" -> {
                allow(n, common, "max_lr", "step_size_up", "step_size_down");
                int up = n.positiveInt("step_size_up");
                yield new Cyclic(n.positive("max_lr"), up, n.positiveInt("step_size_down", up));
            }
            case "one_cycle" -> {
                allow(n, common, "max_lr", "total_steps", "pct_start", "div_factor", "final_div_factor");
                double maxLr = n.positive("max_lr");
                int total = n.nonNegativeInt("total_steps", 0);
                double pct = n.number("pct_start", 0.3);
                if (!(pct > 0 && pct < 1)) {
                    throw n.error("pct_start", "must be in (0, 1)");
                }
                yield new OneCycle(maxLr, total, pct, n.positive("div_factor", 25), n.positive("final_div_factor", 1e4));
            }
            default -> {
                allow(n, common, "monitor", "mode", "factor", "patience", "threshold", "cooldown", "min_lr");
                String monitor = n.choice("monitor", "val_loss", EarlyStoppingConfig.MONITORS);
                String mode = n.choice("mode", EarlyStoppingConfig.defaultMode(monitor), List.of("min", "max"));
                double factor = n.number("factor", 0.1);
                if (!(factor > 0 && factor < 1)) {
                    throw n.error("factor", "must be in (0, 1)");
                }
                yield new Plateau(monitor, mode, factor, n.nonNegativeInt("patience", 10),
                        n.nonNegative("threshold", 1e-4), n.nonNegativeInt("cooldown", 0), n.nonNegative("min_lr", 0));
            }
        };
        String per = n.choice("per", "epoch", List.of("epoch", "batch"));
        int warmup = n.nonNegativeInt("warmup", 0);
        double start = n.number("warmup_start_factor", 0.1);
        if (!(start > 0 && start <= 1)) {
            throw n.error("warmup_start_factor", "must be in (0, 1]");
        }
        if (rule instanceof Plateau && per.equals("batch")) {
            throw n.error("per", "plateau watches an epoch metric, so it runs per epoch");
        }
        if (rule instanceof Plateau && warmup > 0) {
            throw n.error("warmup", "plateau takes no warm-up");
        }
        return new ScheduleConfig(rule, per, warmup, start);
    }

    private static void allow(ConfigNode n, List<String> common, String... own) {
        String[] all = new String[common.size() + own.length];
        for (int i = 0; i < common.size(); i++) {
            all[i] = common.get(i);
        }
        System.arraycopy(own, 0, all, common.size(), own.length);
        n.allowKeys(all);
    }

    private static double gamma(ConfigNode n, double fallback) {
        double g = n.number("gamma", fallback);
        if (!(g > 0 && g <= 1)) {
            throw n.error("gamma", "must be in (0, 1]");
        }
        return g;
    }
}
