package dev.gatun.nn;

import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer or a network: a forward function plus its parameters and submodules.
 *
 * <p>Subclasses register parameters and children in their constructors; {@link #parameters()}
 * then lists them with dotted names ({@code 0.weight}). Parameters live in the scope that was
 * current when the module was built.
 */
public abstract class Module {
    private final List<Parameter> ownParameters = new ArrayList<>();
    private final List<NamedChild> children = new ArrayList<>();
    private boolean training = true;

    private record NamedChild(String name, Module module) {}

    /** Computes the output for input x. */
    public abstract Tensor forward(Tensor x);

    /** Registers a parameter of this module. */
    protected final Parameter register(String name, Tensor tensor) {
        Parameter p = new Parameter(name, tensor);
        ownParameters.add(p);
        return p;
    }

    /** Registers a submodule. */
    protected final <M extends Module> M register(String name, M child) {
        children.add(new NamedChild(name, child));
        return child;
    }

    /** Every parameter of this module and its submodules, with dotted names, in registration order. */
    public final List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, List<Parameter> out) {
        for (Parameter p : ownParameters) {
            out.add(new Parameter(prefix + p.name(), p.tensor()));
        }
        for (NamedChild c : children) {
            c.module().collect(prefix + c.name() + ".", out);
        }
    }

    /** Number of trainable scalars. */
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

    /** Training mode (dropout active) or evaluation mode, for this module and its children. */
    public final Module train(boolean on) {
        training = on;
        for (NamedChild c : children) {
            c.module().train(on);
        }
        return this;
    }

    /** True in training mode. */
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
