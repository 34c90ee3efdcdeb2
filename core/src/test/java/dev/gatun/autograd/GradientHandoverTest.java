package dev.gatun.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.ops.MatMul;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Autograd#newGradient} hands a backward rule the leaf's own zeroed gradient memory when
 * that rule gives the leaf its whole gradient, so nothing is copied; in every other case it is a
 * new tensor, and the gradients come out as before.
 */
class GradientHandoverTest {
    private static final float[] W = {0.5f, -1, 2, 0.25f};

    /** An op of w whose backward rule writes {@code value} everywhere into newGradient(w), which it keeps in seen[0]. */
    private static Tensor probe(Tensor w, float value, Tensor[] seen) {
        Tensor out = Tensor.of(new float[w.shape()[0]], w.shape());
        return Autograd.record(out, "probe", g -> {
            Tensor d = Autograd.newGradient(w);
            d.fill(value);
            seen[0] = d;
            return new Tensor[] {d};
        }, w);
    }

    private static Tensor leaf() {
        return Tensor.of(W, 4).requiresGrad(true);
    }

    /** Back-propagates from the sum of {@code out}'s result, in a scope of its own. */
    private static void backwardOfSum(Supplier<Tensor> out) {
        try (Scope step = Scope.open("step")) {
            out.get().sum().backward();
        }
    }

    @Test
    void aLeafUsedOnceGetsItsGradientWrittenInItsOwnMemory() {
        try (Scope scope = Scope.open("handover")) {
            Tensor w = leaf();
            Tensor[] seen = new Tensor[1];
            backwardOfSum(() -> probe(w, 3, seen));
            Tensor memory = w.grad();
            assertNotSame(memory, seen[0], "the first pass has no gradient memory to hand over");
            assertArrayEquals(new float[] {3, 3, 3, 3}, memory.toFloatArray());
            w.zeroGrad();
            backwardOfSum(() -> probe(w, 5, seen));
            assertSame(memory, seen[0], "the rule wrote into the zeroed gradient itself");
            assertSame(memory, w.grad());
            assertArrayEquals(new float[] {5, 5, 5, 5}, w.grad().toFloatArray());
        }
    }

    @Test
    void aLeafUsedTwiceGetsTheSumOfNewTensors() {
        try (Scope scope = Scope.open("handover")) {
            Tensor w = leaf();
            Tensor[] first = new Tensor[1];
            Tensor[] second = new Tensor[1];
            backwardOfSum(() -> probe(w, 1, first));
            Tensor memory = w.grad();
            w.zeroGrad();
            backwardOfSum(() -> probe(w, 2, first).add(probe(w, 7, second)));
            assertNotSame(memory, first[0]);
            assertNotSame(memory, second[0]);
            assertSame(memory, w.grad());
            assertArrayEquals(new float[] {9, 9, 9, 9}, w.grad().toFloatArray());
        }
    }

    @Test
    void aGradientThatWasNotZeroedIsAddedTo() {
        try (Scope scope = Scope.open("handover")) {
            Tensor w = leaf();
            Tensor[] seen = new Tensor[1];
            for (int pass = 0; pass < 2; pass++) {
                backwardOfSum(() -> probe(w, 4, seen));
                assertNotSame(w.grad(), seen[0]);
            }
            assertArrayEquals(new float[] {8, 8, 8, 8}, w.grad().toFloatArray());
        }
    }

    @Test
    void aRuleThatFailsAfterWritingLeavesTheGradientReadingZeros() {
        try (Scope scope = Scope.open("handover")) {
            Tensor w = leaf();
            Tensor[] seen = new Tensor[1];
            backwardOfSum(() -> probe(w, 1, seen));
            w.zeroGrad();
            try (Scope step = Scope.open("step")) {
                Tensor out = Tensor.of(new float[4], 4);
                Tensor failing = Autograd.record(out, "failing", g -> {
                    Autograd.newGradient(w).fill(Double.NaN);
                    throw new IllegalStateException("rule failed");
                }, w);
                assertThrows(IllegalStateException.class, () -> failing.sum().backward());
            }
            assertArrayEquals(new float[4], w.grad().toFloatArray(), "zeroGrad's zeros, not the rule's partial write");
        }
    }

    @Test
    void denseAndMatmulGradientsWrittenInPlaceEqualThoseOfFreshParameters() {
        float[] w = {0.1f, 0.2f, -0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f};
        float[] b = {0.05f, -0.1f, 0.15f, 0.2f};
        float[] a = {0.3f, -0.1f, 0.2f, 0.5f, 0.4f, -0.6f};
        try (Scope scope = Scope.open("handover")) {
            Tensor[] kept = {Tensor.of(w, 4, 2).requiresGrad(true), Tensor.of(b, 4).requiresGrad(true),
                Tensor.of(a, 3, 2).requiresGrad(true)};
            for (int pass = 0; pass < 4; pass++) {
                float[] x = new float[6];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) Math.sin(pass * 7 + i);
                }
                // Fresh leaves have no gradient memory yet, so their gradients come from new tensors.
                Tensor[] fresh = {Tensor.of(w, 4, 2).requiresGrad(true), Tensor.of(b, 4).requiresGrad(true),
                    Tensor.of(a, 3, 2).requiresGrad(true)};
                for (Tensor t : kept) {
                    t.zeroGrad();
                }
                try (Scope step = Scope.open("step")) {
                    for (Tensor[] p : new Tensor[][] {kept, fresh}) {
                        Tensor y = MatMul.linear(Tensor.of(x, 2, 3).matmul(p[2]), p[0], p[1]);
                        y.mul(y).sum().backward();
                    }
                }
                for (int i = 0; i < kept.length; i++) {
                    assertArrayEquals(fresh[i].grad().toFloatArray(), kept[i].grad().toFloatArray(),
                            "pass " + pass + ", parameter " + i);
                }
            }
        }
    }
}
