package dev.gatun.train;

import dev.gatun.autograd.Autograd;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Tensor;
import java.util.List;

/**
 * An L1 or L2 penalty on one group of parameters (a layer, or any list), added to the loss:
 * <pre>
 * L1: λ·Σ|w|   gradient λ·sign(w), 0 at w = 0 (torch's abs)
 * L2: λ·Σw²    gradient 2λ·w
 * </pre>
 * Being part of the loss, it shows in the reported training loss and autograd produces its
 * gradient, so it works with every optimizer. Note the L2 convention: λ·Σw² without the ½, so
 * for plain SGD it equals {@code weightDecay = 2λ}. Combine groups with different λ through
 * {@link #addTo}.
 *
 * @param kind L1 or L2
 * @param lambda the strength λ, finite and >= 0
 * @param parameters the parameters penalized, at least one
 */
public record Regularization(Kind kind, double lambda, List<Parameter> parameters) {
    /** The norm penalized. */
    public enum Kind {
        /** λ·Σ|w|. */
        L1,
        /** λ·Σw². */
        L2
    }

    /** Checks the strength and that there are parameters; copies the list. */
    public Regularization {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException(kind + " lambda must be >= 0 and finite, got " + lambda);
        }
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException(kind + " regularization needs at least one parameter");
        }
        parameters = List.copyOf(parameters);
    }

    /**
     * λ·Σ|w| over the given parameters.
     *
     * @param parameters the parameters penalized, at least one
     * @param lambda the strength λ, finite and >= 0
     * @return the penalty
     */
    public static Regularization l1(List<Parameter> parameters, double lambda) {
        return new Regularization(Kind.L1, lambda, parameters);
    }

    /**
     * λ·Σ|w| over every parameter of a module (a single layer, say).
     *
     * @param module the module whose parameters are penalized
     * @param lambda the strength λ, finite and >= 0
     * @return the penalty
     */
    public static Regularization l1(Module module, double lambda) {
        return l1(module.parameters(), lambda);
    }

    /**
     * λ·Σw² over the given parameters.
     *
     * @param parameters the parameters penalized, at least one
     * @param lambda the strength λ, finite and >= 0
     * @return the penalty
     */
    public static Regularization l2(List<Parameter> parameters, double lambda) {
        return new Regularization(Kind.L2, lambda, parameters);
    }

    /**
     * λ·Σw² over every parameter of a module.
     *
     * @param module the module whose parameters are penalized
     * @param lambda the strength λ, finite and >= 0
     * @return the penalty
     */
    public static Regularization l2(Module module, double lambda) {
        return l2(module.parameters(), lambda);
    }

    /**
     * The penalty as a scalar tensor (in the current scope) that back-propagates into the parameters.
     *
     * @return the penalty tensor
     */
    public Tensor penalty() {
        Tensor total = null;
        for (Parameter p : parameters) {
            Tensor w = p.tensor();
            // |w| as relu(w) + relu(−w): both relu derivatives are 0 at w = 0, giving sign(w) with sign(0) = 0.
            Tensor term = kind == Kind.L2 ? w.mul(w).sum() : w.relu().add(w.neg().relu()).sum();
            total = total == null ? term : total.add(term);
        }
        return total.mul(lambda);
    }

    /** {@return the penalty's value, computed without recording gradients} */
    public double value() {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            return penalty().item();
        }
    }

    /**
     * {@code base} plus every penalty: the loss to give the {@link Trainer}.
     *
     * @param base the data loss
     * @param terms the penalties
     * @return the combined loss
     */
    public static Loss addTo(Loss base, Regularization... terms) {
        if (base == null) {
            throw new IllegalArgumentException("base loss must not be null");
        }
        List<Regularization> all = List.of(terms);
        return (output, target) -> {
            Tensor loss = base.apply(output, target);
            for (Regularization r : all) {
                Tensor penalty = r.penalty();
                loss = loss.add(penalty.dtype() == loss.dtype() ? penalty : penalty.to(loss.dtype()));
            }
            return loss;
        };
    }
}
