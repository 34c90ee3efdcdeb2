package dev.gatun.optim;

import dev.gatun.nn.Parameter;
import java.util.List;

/**
 * Updates parameters from their accumulated gradients. State (momentum, moments) lives in the
 * scope of each parameter, so it lasts as long as the model.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private double learningRate;

    protected Optimizer(List<Parameter> parameters, double learningRate) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimize");
        }
        checkLearningRate(learningRate);
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
    }

    /** Applies one update to every parameter that has a gradient. */
    public abstract void step();

    /** The parameters this optimizer updates. */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** Zeroes every parameter's gradient. */
    public final void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /** The current learning rate. */
    public final double learningRate() {
        return learningRate;
    }

    /** Changes the learning rate (schedules call this between steps); 0 pauses updates. */
    public final void setLearningRate(double lr) {
        checkLearningRate(lr);
        this.learningRate = lr;
    }

    // As in PyTorch, 0 is allowed: schedules such as cosine annealing to etaMin = 0 reach it.
    private static void checkLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be >= 0 and finite, got " + lr);
        }
    }

    static void checkPositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be > 0 and finite, got " + v);
        }
    }

    static void checkRange(String what, double v, double lo, double hiExclusive) {
        if (!(v >= lo && v < hiExclusive)) {
            throw new IllegalArgumentException(what + " must be in [" + lo + ", " + hiExclusive + "), got " + v);
        }
    }
}
