package dev.gatun.optim;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their accumulated gradients. State (momentum, moments) lives in the
 * scope of each parameter, so it lasts as long as the model.
 *
 * <p>Per-parameter state is a fixed set of named slots (torch's names: {@code exp_avg},
 * {@code momentum_buffer}, ...); {@link #stateTensors()} lists them as {@code <slot>.<parameter name>}
 * and {@link #loadState} copies saved ones back. Optional gradient clipping runs inside
 * {@link #step()}, before the update.
 *
 * <p>On the CPU and CUDA backends, float32 state that decays (Adam's moments, SGD's and RMSprop's
 * buffers) is stored as zero once it falls below {@link Float#MIN_NORMAL}, as PyTorch stores it
 * under {@code torch.set_flush_denormal(True)}: the moments of a parameter whose gradient stays
 * zero would otherwise sink into subnormal floats, which x86 cores compute on many times slower.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private final List<String> slotNames;
    // [parameter][slot]; null until the first step that needs it (torch allocates lazily too).
    private final Tensor[][] slots;
    private double learningRate;
    private int stepCount;
    // The step count on the parameters' device, and a 1 to advance it by; null unless keepStepCountOnDevice.
    private Tensor deviceStepCount;
    private Tensor deviceOne;
    private double clipNorm = Double.NaN;
    private double clipValue = Double.NaN;
    private double lastGradNorm = Double.NaN;

    /**
     * An optimizer over {@code parameters} keeping the per-parameter state slots {@code slotNames} (torch's names).
     *
     * @param parameters the parameters to update
     * @param learningRate the initial learning rate
     * @param slotNames the names of the per-parameter state slots, e.g. {@code exp_avg}
     */
    protected Optimizer(List<Parameter> parameters, double learningRate, String... slotNames) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimize");
        }
        checkLearningRate(learningRate);
        this.parameters = List.copyOf(parameters);
        this.slotNames = List.of(slotNames);
        this.slots = new Tensor[this.parameters.size()][slotNames.length];
        this.learningRate = learningRate;
    }

    /**
     * Clips gradients, then applies one update to every parameter that has a gradient.
     * Clipping by value runs before clipping by norm when both are set.
     */
    public final void step() {
        if (!Double.isNaN(clipValue)) {
            GradClip.clipByValue(parameters, clipValue);
        }
        if (!Double.isNaN(clipNorm)) {
            lastGradNorm = GradClip.clipByNorm(parameters, clipNorm);
        }
        stepCount++;
        if (deviceStepCount != null) {
            BackendRegistry.of(deviceStepCount).axpby(1, deviceOne, 1, deviceStepCount);
        }
        for (int i = 0; i < parameters.size(); i++) {
            Tensor g = parameters.get(i).grad();
            if (g != null) {
                update(i, parameters.get(i).tensor(), g, stepCount);
            }
        }
    }

    /**
     * The update rule for parameter {@code index} (its slots are {@code slot(index, ...)}), which
     * has gradient {@code grad}; {@code step} is 1 on the first call.
     *
     * @param index the parameter's index
     * @param weight the parameter's tensor, updated in place
     * @param grad its gradient
     * @param step the step number, 1 on the first call
     */
    protected abstract void update(int index, Tensor weight, Tensor grad, int step);

    /** {@return the parameters this optimizer updates} */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** Zeroes every parameter's gradient. */
    public final void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /** {@return the current learning rate} */
    public final double learningRate() {
        return learningRate;
    }

    /**
     * Changes the learning rate (schedules call this between steps); 0 pauses updates.
     *
     * @param lr the new learning rate, >= 0
     */
    public final void setLearningRate(double lr) {
        checkLearningRate(lr);
        this.learningRate = lr;
    }

    /**
     * From now on keeps the step count on the parameters' device as well, advanced there by each
     * {@link #step()}, and updates that depend on it (Adam's bias correction) read it there. A
     * {@code step()} captured in a device graph then replays with each replay's count instead of
     * the count at capture; call {@link #countReplayedStep()} after each replay. The count is a
     * float32, exact to 2^24 steps. Calling it again does nothing.
     *
     * @return this optimizer
     */
    public final Optimizer keepStepCountOnDevice() {
        if (deviceStepCount == null) {
            Tensor w = parameters.get(0).tensor();
            deviceOne = Tensor.zeros(w.scope(), w.device(), DType.FLOAT32, 1).fill(1);
            deviceStepCount = Tensor.zeros(w.scope(), w.device(), DType.FLOAT32, 1).fill(stepCount);
        }
        return this;
    }

    /** Counts one step that a replayed device graph of {@link #step()} took, on the host: the device counted it. */
    public final void countReplayedStep() {
        if (deviceStepCount == null) {
            throw new IllegalStateException(getClass().getSimpleName()
                    + ": a replayed step needs keepStepCountOnDevice() before the capture");
        }
        stepCount++;
    }

    /**
     * {@return the step count on the parameters' device (see {@link #keepStepCountOnDevice()}), or
     * null when it is kept on the host only}
     */
    protected final Tensor deviceStepCount() {
        return deviceStepCount;
    }

    /** {@return the steps taken so far (restored by {@link #loadState})} */
    public final int stepCount() {
        return stepCount;
    }

    /**
     * From now on, every {@link #step()} first scales all gradients to an L2 norm of at most maxNorm (torch clip_grad_norm_).
     *
     * @param maxNorm the largest L2 norm allowed
     * @return this optimizer
     */
    public final Optimizer clipGradNorm(double maxNorm) {
        checkPositive("maxNorm", maxNorm);
        this.clipNorm = maxNorm;
        return this;
    }

    /**
     * From now on, every {@link #step()} first clamps each gradient element to [-limit, limit] (torch clip_grad_value_).
     *
     * @param limit the largest magnitude allowed
     * @return this optimizer
     */
    public final Optimizer clipGradValue(double limit) {
        checkPositive("clip limit", limit);
        this.clipValue = limit;
        return this;
    }

    /**
     * {@return the gradient norm before clipping in the last step; NaN without norm clipping or before
     * the first step}
     */
    public final double lastGradNorm() {
        return lastGradNorm;
    }

    /**
     * The settings that define the update rule, by torch's names ({@code beta1}, {@code eps},
     * {@code weight_decay}, ...; flags as 0 or 1), then {@code clip_grad_norm} and
     * {@code clip_grad_value} when set. The learning rate is state, not a setting. Checkpoints
     * record these and refuse to resume into an optimizer whose settings differ.
     *
     * @return the settings by name, in a fixed order
     */
    public final Map<String, Double> hyperparameters() {
        Map<String, Double> out = new LinkedHashMap<>(ownHyperparameters());
        if (!Double.isNaN(clipNorm)) {
            out.put("clip_grad_norm", clipNorm);
        }
        if (!Double.isNaN(clipValue)) {
            out.put("clip_grad_value", clipValue);
        }
        return out;
    }

    /** {@return this optimizer's own settings for {@link #hyperparameters()}, in a fixed order} */
    protected Map<String, Double> ownHyperparameters() {
        return Map.of();
    }

    /** {@return the scalars to save next to {@link #stateTensors()}} */
    public final OptimizerState state() {
        return new OptimizerState(getClass().getSimpleName(), stepCount, learningRate);
    }

    /**
     * The per-parameter state allocated so far, as {@code <slot>.<parameter name>} → tensor, in
     * parameter order. The tensors are the live state, not copies: save them before the next step.
     *
     * @return the state by {@code <slot>.<parameter name>}
     */
    public final Map<String, Tensor> stateTensors() {
        requireUniqueNames();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            for (int s = 0; s < slotNames.size(); s++) {
                if (slots[i][s] != null) {
                    out.put(slotNames.get(s) + "." + parameters.get(i).name(), slots[i][s]);
                }
            }
        }
        return out;
    }

    /**
     * Restores what {@link #state()} and {@link #stateTensors()} saved, copying the tensors into
     * this optimizer's own state. Everything is checked before anything is copied: the optimizer
     * kind, every name (a known slot of a known parameter), shapes and dtypes, and that each
     * parameter has either all of its slots or none.
     *
     * @param scalars the scalars from {@link #state()}
     * @param tensors the tensors from {@link #stateTensors()}, by name
     */
    public final void loadState(OptimizerState scalars, Map<String, Tensor> tensors) {
        String kind = getClass().getSimpleName();
        if (!kind.equals(scalars.optimizer())) {
            throw new IllegalArgumentException("cannot load " + scalars.optimizer() + " state into " + kind);
        }
        requireUniqueNames();
        Map<String, int[]> index = new HashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            for (int s = 0; s < slotNames.size(); s++) {
                index.put(slotNames.get(s) + "." + parameters.get(i).name(), new int[] {i, s});
            }
        }
        int[] present = new int[parameters.size()];
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            int[] at = index.get(e.getKey());
            if (at == null) {
                throw new IllegalArgumentException(kind + ": unknown state tensor '" + e.getKey() + "'; expected "
                        + slotNames + " followed by '.' and one of the parameter names " + names());
            }
            Tensor w = parameters.get(at[0]).tensor();
            Tensor t = e.getValue();
            if (!Arrays.equals(t.shape(), w.shape()) || t.dtype() != w.dtype()) {
                throw new IllegalArgumentException(kind + ": state tensor '" + e.getKey() + "' is " + t.describe()
                        + " but its parameter is " + w.dtype() + Shape.str(w.shape()));
            }
            present[at[0]]++;
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (present[i] != 0 && present[i] != slotNames.size()) {
                throw new IllegalArgumentException(kind + ": parameter '" + parameters.get(i).name() + "' has "
                        + present[i] + " of its " + slotNames.size() + " state tensors " + slotNames);
            }
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            int[] at = index.get(e.getKey());
            slotOrZeros(at[0], at[1]).copyFrom(e.getValue());
        }
        setLearningRate(scalars.learningRate());
        stepCount = scalars.step();
        if (deviceStepCount != null) {
            deviceStepCount.fill(stepCount);
        }
    }

    /**
     * State slot {@code slot} of parameter {@code param}, or null if it was never allocated.
     *
     * @param param the parameter's index
     * @param slot the slot's index, in the order of the constructor's slot names
     * @return the slot's tensor, or null
     */
    protected final Tensor slot(int param, int slot) {
        return slots[param][slot];
    }

    /**
     * State slot {@code slot} of parameter {@code param}, allocated as zeros in the parameter's scope if needed.
     *
     * @param param the parameter's index
     * @param slot the slot's index, in the order of the constructor's slot names
     * @return the slot's tensor
     */
    protected final Tensor slotOrZeros(int param, int slot) {
        Tensor t = slots[param][slot];
        if (t == null) {
            Tensor w = parameters.get(param).tensor();
            t = Tensor.zeros(w.scope(), w.device(), w.dtype(), w.shape());
            slots[param][slot] = t;
        }
        return t;
    }

    private List<String> names() {
        List<String> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.name());
        }
        return out;
    }

    private void requireUniqueNames() {
        Set<String> seen = new HashSet<>();
        for (Parameter p : parameters) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": two parameters are named '"
                        + p.name() + "', so their state cannot be told apart by name");
            }
        }
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
