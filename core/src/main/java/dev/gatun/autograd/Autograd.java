package dev.gatun.autograd;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.Tensor;
import dev.gatun.tensor.internal.TensorInternals;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation over the graph that ops record.
 *
 * <p>Ops call {@link #record} after computing their result; {@link #backward(Tensor)} walks the
 * graph from a scalar in reverse topological order. Gradients of intermediate tensors live in
 * the current scope and are dropped afterwards; gradients of leaves that require them (model
 * parameters) are accumulated in the leaf's own scope, so they outlive the step.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    /**
     * While an op's backward rule runs: the leaf inputs whose gradient memory it may write its
     * result into, instead of a new tensor that the leaf's gradient is then copied from.
     */
    private static final ThreadLocal<Map<Tensor, Tensor>> HANDED_OVER = new ThreadLocal<>();

    private Autograd() {}

    /**
     * Turns gradient recording off on this thread until the returned handle is closed.
     *
     * @return the handle whose {@code close()} turns recording back on
     */
    public static NoGrad noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Closing it ends the no-grad region it was opened for. */
    public static final class NoGrad implements AutoCloseable {
        private boolean closed;

        private NoGrad() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    /** {@return whether ops on this thread record their gradients} */
    public static boolean isEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Attaches a gradient rule to {@code out} if recording is on and any input needs a gradient.
     * Returns {@code out}.
     *
     * @param out the op's result
     * @param name the op's name, shown in {@code Tensor.toString()}
     * @param backward the rule from the output's gradient to the inputs' gradients
     * @param inputs the op's tensor inputs, in order
     * @return {@code out}
     */
    public static Tensor record(Tensor out, String name, GradFn.Backward backward, Tensor... inputs) {
        if (!isEnabled()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                TensorInternals.setGradFn(out, new GradFn(name, inputs, backward));
                return out;
            }
        }
        return out;
    }

    /**
     * A tensor of {@code input}'s shape and dtype, on its device, for an op's backward rule to
     * write the whole gradient of {@code input} into; its contents start undefined. Where the
     * input is a leaf whose gradient was zeroed ({@link Tensor#zeroGrad}) and this op is its only
     * consumer in the graph, it is the leaf's own gradient memory, which saves copying the result
     * there; otherwise a new tensor in the current scope.
     *
     * @param input an input of the op whose backward rule is running
     * @return where to write the gradient of input
     */
    public static Tensor newGradient(Tensor input) {
        Map<Tensor, Tensor> handedOver = HANDED_OVER.get();
        Tensor own = handedOver == null ? null : handedOver.remove(input);
        return own != null ? own : input.newEmpty(input.shape());
    }

    /**
     * Back-propagates from a one-element tensor, seeding its gradient with 1.
     *
     * @param root the tensor to differentiate; one element for the one-argument form
     */
    public static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar (one element), got " + root.describe()
                    + "; reduce it first, e.g. loss.mean()");
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): " + root.describe()
                    + " does not depend on any tensor that requires a gradient");
        }
        Tensor seed = root.newFull(1.0, root.shape());
        backward(root, seed);
    }

    /**
     * Back-propagates {@code gradRoot} (same shape as root) through the graph.
     *
     * @param root the tensor to differentiate; one element for the one-argument form
     * @param gradRoot the gradient to start from, of root's shape
     */
    public static void backward(Tensor root, Tensor gradRoot) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Integer> leafUses = leafUses(order);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        // Sums autograd allocated itself can be added into in place; gradients handed out by ops
        // may alias other tensors (a view of the output gradient, say), so those are copied first.
        Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        grads.put(root, gradRoot);
        try (NoGrad ignored = noGrad()) {
            for (Tensor t : order) {
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                GradFn fn = t.gradFn();
                if (fn == null) {
                    accumulateIntoLeaf(t, g);
                    continue;
                }
                Tensor[] inputs = fn.inputs();
                Map<Tensor, Tensor> before = HANDED_OVER.get();
                HANDED_OVER.set(handOver(inputs, leafUses));
                Tensor[] inGrads;
                try {
                    inGrads = fn.backward().apply(g);
                } finally {
                    HANDED_OVER.set(before);
                }
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (in == null || !in.requiresGrad() || inGrads[i] == null) {
                        continue;
                    }
                    Tensor gi = inGrads[i];
                    if (!Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException("autograd: " + fn.name() + " produced a gradient "
                                + gi.describe() + " for input " + i + " of shape " + in.describe());
                    }
                    Tensor prior = grads.get(in);
                    if (prior == null) {
                        grads.put(in, gi);
                    } else if (owned.contains(prior)) {
                        BackendRegistry.of(prior).axpby(1, gi, 1, prior);
                    } else {
                        Tensor sum = prior.newEmpty(prior.shape());
                        BackendRegistry.of(sum).copy(prior, sum);
                        BackendRegistry.of(sum).axpby(1, gi, 1, sum);
                        grads.put(in, sum);
                        owned.add(sum);
                    }
                }
            }
        }
    }

    /**
     * How many times each leaf is an input of the graph's ops: a leaf used once gets its whole
     * gradient from one backward rule.
     */
    private static Map<Tensor, Integer> leafUses(List<Tensor> order) {
        Map<Tensor, Integer> uses = new IdentityHashMap<>();
        for (Tensor t : order) {
            GradFn fn = t.gradFn();
            if (fn != null) {
                for (Tensor in : fn.inputs()) {
                    if (in != null && in.isLeaf() && in.requiresGrad()) {
                        uses.merge(in, 1, Integer::sum);
                    }
                }
            }
        }
        return uses;
    }

    /** The gradient memory of the inputs that {@link #newGradient} may hand to this op's rule, or null for none. */
    private static Map<Tensor, Tensor> handOver(Tensor[] inputs, Map<Tensor, Integer> leafUses) {
        Map<Tensor, Tensor> handed = null;
        for (Tensor in : inputs) {
            if (in == null || leafUses.getOrDefault(in, 0) != 1) {
                continue;
            }
            Tensor grad = TensorInternals.zeroedGrad(in);
            if (grad != null && grad.dtype() == in.dtype() && grad.device().equals(in.device())
                    && grad.isContiguous() && Arrays.equals(grad.shape(), in.shape())) {
                if (handed == null) {
                    handed = new IdentityHashMap<>();
                }
                handed.put(in, grad);
            }
        }
        return handed;
    }

    private static void accumulateIntoLeaf(Tensor leaf, Tensor g) {
        Tensor zeroed = TensorInternals.takeZeroedGrad(leaf);
        if (zeroed != null) {
            // g is the zeroed memory itself when newGradient handed it over.
            if (zeroed != g) {
                BackendRegistry.of(zeroed).copy(g, zeroed);
            }
            return;
        }
        Tensor existing = leaf.grad();
        if (existing == g) {
            throw new IllegalStateException("autograd: the gradient of " + leaf.describe()
                    + " was read while the backward pass was writing it");
        }
        if (existing == null) {
            Tensor fresh = Tensor.zeros(leaf.scope(), leaf.device(), g.dtype(), leaf.shape());
            BackendRegistry.of(fresh).copy(g, fresh);
            leaf.setGrad(fresh);
        } else {
            BackendRegistry.of(existing).axpby(1, g, 1, existing);
        }
    }

    /** Tensors reachable from root, each after every tensor that depends on it. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> postOrder = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            GradFn fn = t.gradFn();
            Tensor[] inputs = fn == null ? new Tensor[0] : fn.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                postOrder.add(t);
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    /**
     * Sums a broadcast gradient back down to {@code shape} (the input's shape before broadcasting).
     *
     * @param g the gradient, of the broadcast shape
     * @param shape the shape to sum down to
     * @return the gradient summed over the broadcast axes, of shape {@code shape}
     */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        Tensor out = g;
        while (out.rank() > shape.length) {
            out = out.sum(0, false);
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && out.dim(i) != 1) {
                out = out.sum(i, true);
            }
        }
        return out;
    }
}
