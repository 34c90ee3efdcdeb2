package dev.gatun.nn;

import dev.gatun.tensor.Device;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or a network: a forward function plus its parameters, buffers and submodules.
 *
 * <p>Subclasses register parameters, buffers and children in their constructors;
 * {@link #parameters()} then lists the parameters with dotted names ({@code 0.weight}). Buffers
 * are saved state that is not trained (batch norm's {@code running_mean}): optimizers see only
 * {@link #parameters()}, while {@link #state()} (parameters, then buffers) is what a checkpoint
 * holds. Both live in the scope that was current when the module was built.
 *
 * <p>A module can be {@link #setTrainable frozen}: its parameters stay in {@link #parameters()}
 * and {@link #state()} (a checkpoint or a weights file holds them as before), but their tensors
 * no longer require gradients, so backward computes none for them, and
 * {@link #trainableParameters()}, which is what an optimizer should be given, leaves them out.
 */
public abstract class Module {
    private final List<Parameter> ownParameters = new ArrayList<>();
    private final List<Parameter> ownBuffers = new ArrayList<>();
    private final List<NamedChild> children = new ArrayList<>();
    private boolean training = true;
    private boolean trainable = true;

    private record NamedChild(String name, Module module) {}

    /** A module in training mode with nothing registered yet; subclasses register in their constructors. */
    protected Module() {}

    /**
     * Computes the output for input x.
     *
     * @param x the input
     * @return the output
     */
    public abstract Tensor forward(Tensor x);

    /**
     * Registers a parameter of this module.
     *
     * @param name the name, unique within this module
     * @param tensor the tensor; it is made to require gradients
     * @return the parameter
     */
    protected final Parameter register(String name, Tensor tensor) {
        Parameter p = new Parameter(name, tensor);
        tensor.requiresGrad(trainable);
        ownParameters.add(p);
        return p;
    }

    /**
     * Registers a buffer: state saved with the module but not trained, which ops update in place.
     * Returns the tensor, which does not require gradients.
     *
     * @param name the name, unique within this module
     * @param tensor the buffer; it is made not to require gradients
     * @return the tensor
     */
    protected final Tensor registerBuffer(String name, Tensor tensor) {
        ownBuffers.add(buffer(name, tensor));
        return tensor;
    }

    /** A named tensor that stays out of autograd: Parameter's constructor marks its tensor trainable, so undo that. */
    private static Parameter buffer(String name, Tensor tensor) {
        Parameter p = new Parameter(name, tensor);
        tensor.requiresGrad(false);
        return p;
    }

    /**
     * Registers a submodule.
     *
     * @param <M> the submodule's type
     * @param name the name, unique within this module
     * @param child the submodule
     * @return the submodule
     */
    protected final <M extends Module> M register(String name, M child) {
        children.add(new NamedChild(name, child));
        return child;
    }

    /**
     * {@return every parameter of this module and its submodules, with dotted names, in registration
     * order}
     */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        collect("", out);
        return out;
    }

    /**
     * {@return every buffer of this module and its submodules, with dotted names, in registration
     * order}
     */
    public final List<Parameter> buffers() {
        List<Parameter> out = new ArrayList<>();
        collectBuffers("", out);
        return out;
    }

    /** {@return everything a checkpoint holds: {@link #parameters()} then {@link #buffers()}} */
    public final List<Parameter> state() {
        List<Parameter> out = parameters();
        out.addAll(buffers());
        return out;
    }

    /**
     * {@return the parameters of {@link #parameters()} that are not frozen, in the same order: what
     * an optimizer updates}
     */
    public final List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.trainable()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Freezes ({@code false}) or unfreezes ({@code true}) every parameter of this module and its
     * submodules. A frozen parameter's tensor does not require gradients, so backward neither
     * computes nor accumulates one for it, and any gradient it held is dropped; buffers are not
     * affected (a frozen batch norm still updates its running statistics in training mode, as in
     * PyTorch). Build the optimizer from {@link #trainableParameters()} afterwards.
     *
     * @param on false to freeze, true to train again
     * @return this module
     */
    public final Module setTrainable(boolean on) {
        trainable = on;
        for (Parameter p : ownParameters) {
            p.tensor().requiresGrad(on);
            if (!on) {
                p.tensor().setGrad(null);
            }
        }
        for (NamedChild c : children) {
            c.module().setTrainable(on);
        }
        return this;
    }

    /** {@return false when this module's own parameters are frozen ({@link #setTrainable})} */
    public final boolean isTrainable() {
        return trainable;
    }

    /** {@return the number of scalars in {@link #trainableParameters()}} */
    public final long trainableParameterCount() {
        long n = 0;
        for (Parameter p : trainableParameters()) {
            n += p.tensor().size();
        }
        return n;
    }

    private void collect(String prefix, List<Parameter> out) {
        for (Parameter p : ownParameters) {
            Parameter named = new Parameter(prefix + p.name(), p.tensor());
            // Parameter's constructor marks its tensor as requiring gradients: a frozen one must stay frozen.
            p.tensor().requiresGrad(trainable);
            out.add(named);
        }
        for (NamedChild c : children) {
            c.module().collect(prefix + c.name() + ".", out);
        }
    }

    private void collectBuffers(String prefix, List<Parameter> out) {
        for (Parameter b : ownBuffers) {
            out.add(buffer(prefix + b.name(), b.tensor()));
        }
        for (NamedChild c : children) {
            c.module().collectBuffers(prefix + c.name() + ".", out);
        }
    }

    /** {@return the number of parameter scalars, frozen ones included} */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.tensor().size();
        }
        return n;
    }

    /** Sets every parameter's gradient to zero. */
    public final void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * Moves every parameter and buffer to {@code device} in place (the same Tensor objects, so
     * layers and optimizers built on them keep working) and drops their gradients. Optimizer
     * state made before the move stays where it was: move the model before training.
     *
     * @param device the target device
     * @return this module
     */
    public final Module to(Device device) {
        for (Parameter p : state()) {
            p.tensor().moveTo(device);
        }
        return this;
    }

    /** {@return the device of the first parameter or buffer; the host for a module without any} */
    public final Device device() {
        List<Parameter> s = state();
        return s.isEmpty() ? Device.CPU : s.getFirst().tensor().device();
    }

    /** {@return this module's direct children, in the order they were registered} */
    public final List<Module> children() {
        return children.stream().map(NamedChild::module).toList();
    }

    /** {@return this module's direct children by the names they were registered under, in that order} */
    public final Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (NamedChild c : children) {
            out.put(c.name(), c.module());
        }
        return out;
    }

    /**
     * Training mode (dropout active, batch statistics) or evaluation mode, for this module and its children.
     *
     * @param on true for training mode, false for evaluation mode
     * @return this module
     */
    public final Module train(boolean on) {
        training = on;
        for (NamedChild c : children) {
            c.module().train(on);
        }
        return this;
    }

    /** {@return whether this module is in training mode} */
    public final boolean isTraining() {
        return training;
    }

    /** Short description, e.g. {@code Linear(784 → 256)}. */
    @Override
    public String toString() {
        if (children.isEmpty()) {
            return getClass().getSimpleName();
        }
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        for (NamedChild c : children) {
            sb.append("  (").append(c.name()).append("): ").append(c.module().toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }
}
