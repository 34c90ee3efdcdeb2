package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;

/**
 * Matrix products: {@code C = A·B} and the fused dense layer {@code Y = X·Wᵀ + b}.
 *
 * <pre>
 * apply:  A [m, k], B [k, n]              → C [m, n]    dA = dC·Bᵀ, dB = Aᵀ·dC
 * linear: X [n, in], W [out, in], b [out] → Y [n, out]  dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY
 * </pre>
 * The transposes are GEMM flags, never copies.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * A·B for 2-D tensors.
     *
     * @param a the left matrix [m, k]
     * @param b the right matrix [k, n]
     * @return the product [m, n]
     */
    public static Tensor apply(Tensor a, Tensor b) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0)) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape())
                    + " do not multiply (need [m, k]·[k, n])");
        }
        return Autocast.loweredGemm("matmul", t -> product(t[0], t[1]), (p, t) -> HalfGemmProducts.product(p, t[0], t[1]),
                a, b);
    }

    private static Tensor product(Tensor a, Tensor b) {
        Backend be = BackendRegistry.of(a);
        // gemm with beta = 0 writes all of C without reading it, so the product and its gradients start empty.
        Tensor c = a.newEmpty(a.dim(0), b.dim(1));
        be.gemm(false, false, 1, a, b, 0, c);
        return Autograd.record(c, "matmul", g -> {
            Tensor da = null;
            Tensor db = null;
            if (a.requiresGrad()) {
                da = Autograd.newGradient(a);
                be.gemm(false, true, 1, g, b, 0, da);
            }
            if (b.requiresGrad()) {
                db = Autograd.newGradient(b);
                be.gemm(true, false, 1, a, g, 0, db);
            }
            return new Tensor[] {da, db};
        }, a, b);
    }

    /**
     * X·Wᵀ + b with W stored [out, in] (PyTorch's layout); bias may be null.
     *
     * @param x the input [batch, in]
     * @param w the weights [out, in]
     * @param bias the bias [out], or null
     * @return the output [batch, out]
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1)) {
            throw new IllegalArgumentException("linear: input " + x.describe() + " does not match weight "
                    + w.describe() + " (need x [batch, in] and w [out, in])");
        }
        int out = w.dim(0);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw new IllegalArgumentException("linear: bias " + bias.describe() + " must be [" + out + "]");
        }
        return Autocast.loweredGemm("linear", t -> dense(t[0], t[1], t[2]),
                (p, t) -> HalfGemmProducts.dense(p, t[0], t[1], t[2]), x, w, bias);
    }

    private static Tensor dense(Tensor x, Tensor w, Tensor bias) {
        int out = w.dim(0);
        Backend be = BackendRegistry.of(x);
        // Both write every element of y (gemm with beta = 0 without reading it), so it starts empty.
        Tensor y = x.newEmpty(x.dim(0), out);
        if (bias != null) {
            be.gemmAddRow(false, true, 1, x, w, bias, y);
        } else {
            be.gemm(false, true, 1, x, w, 0, y);
        }
        return Autograd.record(y, "linear", g -> {
            Tensor dx = null;
            Tensor dw = null;
            Tensor db = null;
            if (x.requiresGrad()) {
                dx = Autograd.newGradient(x);
                be.gemm(false, false, 1, g, w, 0, dx);
            }
            if (w.requiresGrad()) {
                dw = Autograd.newGradient(w);
                be.gemm(true, false, 1, g, x, 0, dw);
            }
            if (bias != null && bias.requiresGrad()) {
                db = Autograd.newGradient(bias);
                be.reduce(dev.gatun.backend.ReduceOp.SUM, g, 0, db, null);
            }
            return new Tensor[] {dx, dw, db};
        }, x, w, bias);
    }
}
