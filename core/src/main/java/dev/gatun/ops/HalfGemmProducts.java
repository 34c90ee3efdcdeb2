package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.Precision;
import dev.gatun.backend.ReduceOp;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;

/**
 * matmul and linear under a bf16/fp16 {@link Autocast} scope on a backend with a native half GEMM
 * ({@link dev.gatun.backend.GemmOps#hasNativeHalfGemm}): the operands are cast to real 16-bit
 * tensors (half the bytes of float32) and every GEMM, forward and both backward, multiplies them
 * with float32 accumulation into a float32 result. Products of two 16-bit values are exact in
 * float32, so the forward equals the emulation's float32 GEMM on rounded operands up to the order
 * of the sums.
 *
 * <p>The backward GEMMs take the output's gradient cast to 16 bits as well, since a 16-bit GEMM
 * multiplies two operands of one dtype (PyTorch's bf16 outputs get bf16 gradients the same way);
 * the emulation leaves that gradient float32. Each operand's gradient then goes into its float32
 * tensor rounded to the format, as the emulation's does; the bias, added in float32, and its
 * gradient are the emulation's exactly. The 16-bit copies are kept for the backward in the
 * op's scope, where the emulation keeps rounded float32 copies.
 */
final class HalfGemmProducts {
    private HalfGemmProducts() {}

    /** A·B on 16-bit copies of a [m, k] and b [k, n]; dA = dC·Bᵀ, dB = Aᵀ·dC on a 16-bit dC. */
    static Tensor product(Precision p, Tensor a, Tensor b) {
        Backend be = BackendRegistry.of(a);
        Tensor ah = half(be, p, a);
        Tensor bh = half(be, p, b);
        Tensor c = a.newZeros(a.dim(0), b.dim(1));
        be.gemm(false, false, 1, ah, bh, 0, c);
        return Autograd.record(c, "matmul", g -> {
            Tensor da = a.requiresGrad() ? a.newZeros(a.shape()) : null;
            Tensor db = b.requiresGrad() ? b.newZeros(b.shape()) : null;
            try (Scope s = Scope.open("matmul backward in " + p.label())) {
                Tensor gh = half(be, p, g);
                if (da != null) {
                    gradientGemm(be, p, false, true, gh, bh, da);
                }
                if (db != null) {
                    gradientGemm(be, p, true, false, ah, gh, db);
                }
            }
            return new Tensor[] {da, db};
        }, a, b);
    }

    /**
     * X·Wᵀ + b on 16-bit copies of x [batch, in] and w [out, in], the bias rounded and added in
     * float32; dX = dY·W, dW = dYᵀ·X on a 16-bit dY, db = Σ_rows dY rounded.
     */
    static Tensor dense(Precision p, Tensor x, Tensor w, Tensor bias) {
        Backend be = BackendRegistry.of(x);
        Tensor xh = half(be, p, x);
        Tensor wh = half(be, p, w);
        Tensor y = x.newZeros(x.dim(0), w.dim(0));
        double beta = 0;
        if (bias != null) {
            try (Scope s = Scope.open("linear bias in " + p.label())) {
                Tensor rounded = bias.newEmpty(bias.shape());
                be.roundToHalf(p, bias, rounded);
                be.binary(BinaryOp.ADD, y, rounded, y);
            }
            beta = 1;
        }
        be.gemm(false, true, 1, xh, wh, beta, y);
        return Autograd.record(y, "linear", g -> {
            Tensor dx = x.requiresGrad() ? x.newZeros(x.shape()) : null;
            Tensor dw = w.requiresGrad() ? w.newZeros(w.shape()) : null;
            Tensor db = bias != null && bias.requiresGrad() ? bias.newZeros(bias.shape()) : null;
            if (dx != null || dw != null) {
                try (Scope s = Scope.open("linear backward in " + p.label())) {
                    Tensor gh = half(be, p, g);
                    if (dx != null) {
                        gradientGemm(be, p, false, false, gh, wh, dx);
                    }
                    if (dw != null) {
                        gradientGemm(be, p, true, false, gh, xh, dw);
                    }
                }
            }
            if (db != null) {
                be.reduce(ReduceOp.SUM, g, 0, db, null);
                be.roundToHalf(p, db, db);
            }
            return new Tensor[] {dx, dw, db};
        }, x, w, bias);
    }

    /** grad = op(a)·op(b) on 16-bit a and b, rounded to the format as a 16-bit operand's gradient is. */
    private static void gradientGemm(Backend be, Precision p, boolean transA, boolean transB, Tensor a, Tensor b,
                                     Tensor grad) {
        be.gemm(transA, transB, 1, a, b, 0, grad);
        be.roundToHalf(p, grad, grad);
    }

    /** A contiguous 16-bit copy of t in the current scope, outside autograd. */
    private static Tensor half(Backend be, Precision p, Tensor t) {
        Tensor h = t.newEmpty(p.halfDType(), t.shape());
        be.cast(t, h);
        return h;
    }
}
