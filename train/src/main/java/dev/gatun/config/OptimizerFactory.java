package dev.gatun.config;

import dev.gatun.nn.Parameter;
import dev.gatun.optim.Adagrad;
import dev.gatun.optim.Adam;
import dev.gatun.optim.AdamW;
import dev.gatun.optim.Optimizer;
import dev.gatun.optim.Rmsprop;
import dev.gatun.optim.Sgd;
import java.util.List;

/** Makes the optimizer an {@link OptimizerConfig} describes, clipping included. */
public final class OptimizerFactory {
    private OptimizerFactory() {}

    /**
     * A fresh optimizer (empty state) over {@code parameters}.
     *
     * @param c the optimizer section
     * @param parameters the parameters to update
     * @return the optimizer
     */
    public static Optimizer create(OptimizerConfig c, List<Parameter> parameters) {
        Optimizer o = switch (c.type()) {
            case "sgd" -> new Sgd(parameters, c.lr(), c.momentum(), c.dampening(), c.weightDecay(), c.nesterov());
            case "adam" -> new Adam(parameters, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), false);
            case "adamw" -> new AdamW(parameters, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay());
            case "rmsprop" -> new Rmsprop(parameters, c.lr(), c.alpha(), c.eps(), c.weightDecay(), c.momentum(),
                    c.centered());
            case "adagrad" -> new Adagrad(parameters, c.lr(), c.lrDecay(), c.weightDecay(), c.initialAccumulator(),
                    c.eps());
            default -> throw new IllegalArgumentException("unknown optimizer type '" + c.type() + "'");
        };
        if (!Double.isNaN(c.clipNorm())) {
            o.clipGradNorm(c.clipNorm());
        }
        if (!Double.isNaN(c.clipValue())) {
            o.clipGradValue(c.clipValue());
        }
        return o;
    }
}
