package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.device.GraphCaptureException;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adagrad with torch {@code Adagrad}'s semantics: weight decay added to the gradient, sum of
 * squares s += g², step size lr / (1 + (t − 1)·lrDecay), p ← p − clr·g / (sqrt(s) + ε).
 * State: {@code sum.<param>}, allocated at construction and filled with the initial accumulator value.
 */
public final class Adagrad extends Optimizer {
    private final double lrDecay;
    private final double weightDecay;
    private final double eps;

    /**
     * Adagrad with torch's defaults: no lr decay, no weight decay, accumulator starting at 0, ε = 1e-10.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     */
    public Adagrad(List<Parameter> parameters, double lr) {
        this(parameters, lr, 0, 0, 0, 1e-10);
    }

    /**
     * Adagrad with every hyperparameter given.
     *
     * @param parameters the parameters to update
     * @param lr the learning rate
     * @param lrDecay the learning-rate decay: step t uses lr / (1 + (t - 1)·lrDecay)
     * @param weightDecay the weight decay; 0 for none
     * @param initialAccumulatorValue the starting value of the squared-gradient sums
     * @param eps the term added to the denominator for stability
     */
    public Adagrad(List<Parameter> parameters, double lr, double lrDecay, double weightDecay,
                   double initialAccumulatorValue, double eps) {
        super(parameters, lr, "sum");
        checkRange("lr decay", lrDecay, 0, Double.MAX_VALUE);
        checkRange("weight decay", weightDecay, 0, Double.MAX_VALUE);
        checkRange("initial accumulator value", initialAccumulatorValue, 0, Double.MAX_VALUE);
        checkPositive("eps", eps);
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.eps = eps;
        for (int i = 0; i < parameters.size(); i++) {
            slotOrZeros(i, 0).fill(initialAccumulatorValue);
        }
    }

    @Override
    protected Map<String, Double> ownHyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr_decay", lrDecay);
        h.put("weight_decay", weightDecay);
        h.put("eps", eps);
        return h;
    }

    @Override
    protected void update(int i, Tensor w, Tensor g, int step) {
        if (DeviceRuntimes.isCapturing(w.device())) {
            throw new GraphCaptureException(GraphCaptureException.Reason.NOT_CAPTURABLE, "adagrad on " + w.device()
                    + " during a graph capture: its learning-rate decay takes the step count from the host, which a"
                    + " replay would repeat");
        }
        BackendRegistry.of(w).adagradStep(w, g, slotOrZeros(i, 0), learningRate(), lrDecay, weightDecay, eps, step);
    }
}
