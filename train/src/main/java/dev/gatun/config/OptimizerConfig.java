package dev.gatun.config;

import java.util.List;

/**
 * An {@code optimizer} section (Adam with its defaults when absent): {@code {type: adam, lr: 0.001, weight_decay: 0, betas: [0.9, 0.999],
 * clip_norm: null, clip_value: null}}. Each type takes only its own keys, with torch's defaults:
 * sgd (momentum, dampening, nesterov), adam/adamw (betas, eps), rmsprop (alpha, eps, momentum,
 * centered), adagrad (lr_decay, eps, initial_accumulator). Unused fields hold their defaults;
 * a missing clip is NaN.
 *
 * @param type {@code sgd}, {@code adam}, {@code adamw}, {@code rmsprop} or {@code adagrad}
 * @param lr the learning rate
 * @param weightDecay the weight decay
 * @param momentum the momentum factor (sgd, rmsprop)
 * @param dampening the dampening of the momentum (sgd)
 * @param nesterov whether to use Nesterov momentum (sgd)
 * @param beta1 the first-moment decay rate (adam, adamw)
 * @param beta2 the second-moment decay rate (adam, adamw)
 * @param eps the term added to the denominator (adam, adamw, rmsprop, adagrad)
 * @param alpha the smoothing constant (rmsprop)
 * @param centered whether to divide by the estimated variance (rmsprop)
 * @param lrDecay the learning-rate decay (adagrad)
 * @param initialAccumulator the starting value of the squared-gradient sums (adagrad)
 * @param clipNorm the largest gradient L2 norm, or NaN for no clipping
 * @param clipValue the largest gradient element magnitude, or NaN for no clipping
 */
public record OptimizerConfig(String type, double lr, double weightDecay, double momentum, double dampening,
                              boolean nesterov, double beta1, double beta2, double eps, double alpha,
                              boolean centered, double lrDecay, double initialAccumulator, double clipNorm,
                              double clipValue) {
    /** The {@code type} values. */
    public static final List<String> TYPES = List.of("sgd", "adam", "adamw", "rmsprop", "adagrad");

    static OptimizerConfig from(ConfigNode n) {
        String type = n.choice("type", "adam", TYPES);
        switch (type) {
            case "sgd" -> n.allowKeys("type", "lr", "weight_decay", "momentum", "dampening", "nesterov", "clip_norm",
                    "clip_value");
            case "adam", "adamw" -> n.allowKeys("type", "lr", "weight_decay", "betas", "eps", "clip_norm",
                    "clip_value");
            case "rmsprop" -> n.allowKeys("type", "lr", "weight_decay", "alpha", "eps", "momentum", "centered",
                    "clip_norm", "clip_value");
            default -> n.allowKeys("type", "lr", "weight_decay", "lr_decay", "eps", "initial_accumulator",
                    "clip_norm", "clip_value");
        }
        double lr = n.positive("lr", type.equals("adagrad") ? 0.01 : 0.001);
        double weightDecay = n.nonNegative("weight_decay", type.equals("adamw") ? 0.01 : 0);
        double momentum = 0;
        double dampening = 0;
        boolean nesterov = false;
        double[] betas = {0.9, 0.999};
        double eps = type.equals("adagrad") ? 1e-10 : 1e-8;
        double alpha = 0.99;
        boolean centered = false;
        double lrDecay = 0;
        double initialAccumulator = 0;
        switch (type) {
            case "sgd" -> {
                momentum = fraction(n, "momentum", 0);
                dampening = n.number("dampening", 0);
                if (!(dampening >= 0 && dampening <= 1)) {
                    throw n.error("dampening", "must be in [0, 1]");
                }
                nesterov = n.bool("nesterov", false);
                if (nesterov && (momentum == 0 || dampening != 0)) {
                    throw n.error("nesterov", "needs momentum > 0 and dampening = 0");
                }
            }
            case "adam", "adamw" -> {
                betas = n.numbers("betas", 2, betas);
                for (int i = 0; i < 2; i++) {
                    if (!(betas[i] >= 0 && betas[i] < 1)) {
                        throw new ConfigException(n.pathOf("betas") + "[" + i + "]", "must be in [0, 1)");
                    }
                }
                eps = n.positive("eps", eps);
            }
            case "rmsprop" -> {
                alpha = n.number("alpha", alpha);
                if (!(alpha >= 0 && alpha <= 1)) {
                    throw n.error("alpha", "must be in [0, 1]");
                }
                eps = n.positive("eps", eps);
                momentum = n.nonNegative("momentum", 0);
                centered = n.bool("centered", false);
            }
            default -> {
                lrDecay = n.nonNegative("lr_decay", 0);
                eps = n.positive("eps", eps);
                initialAccumulator = n.nonNegative("initial_accumulator", 0);
            }
        }
        double clipNorm = n.optionalNonNegative("clip_norm");
        if (clipNorm == 0) {
            throw n.error("clip_norm", "must be > 0 (or null for no clipping)");
        }
        double clipValue = n.optionalNonNegative("clip_value");
        if (clipValue == 0) {
            throw n.error("clip_value", "must be > 0 (or null for no clipping)");
        }
        return new OptimizerConfig(type, lr, weightDecay, momentum, dampening, nesterov, betas[0], betas[1], eps,
                alpha, centered, lrDecay, initialAccumulator, clipNorm, clipValue);
    }

    private static double fraction(ConfigNode n, String key, double fallback) {
        double v = n.number(key, fallback);
        if (!(v >= 0 && v < 1)) {
            throw n.error(key, "must be in [0, 1)");
        }
        return v;
    }
}
