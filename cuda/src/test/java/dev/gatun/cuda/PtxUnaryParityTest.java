package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.Tensor;
import dev.gatun.testing.UnaryFnCases;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: unary.cu against the backends, for every UnaryOp (at its default parameter, and
 * leaky ReLU and ELU at another). Forward transcendentals are float32 (CUDA's expf, tanhf within
 * 2 ulp, logf within 1, erfcf within 4) against the scalar backend's double math, so within 1e-6
 * relative (plus 1e-37 for subnormal results); GELU_TANH's 1 + tanh cancels for negative x (in
 * PyTorch's formula as here), so it gets 1e-6 absolute. relu and leaky ReLU are exact against the
 * CPU backend; backward is exact against the CPU backend where unary.cu says so, and within 1e-5
 * relative where both use their own transcendentals; clamp against the scalar backend. Skips
 * without a GPU.
 */
class PtxUnaryParityTest extends PtxParityTestBase {
    private static final int N = 4099;
    /** Backward written with the CPU kernels' operations: bit for bit. */
    private static final Set<UnaryOp> EXACT_BACKWARD = EnumSet.of(UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.TANH,
            UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LEAKY_RELU);

    PtxUnaryParityTest() {
        super(11);
    }

    /** Inputs for op: a wide range with the special values at the front. */
    private float[] inputs(UnaryOp op) {
        float[] x = op == UnaryOp.LOG ? values(N, 1e-3, 10) : values(N, -20, 20);
        float[] special = op == UnaryOp.LOG
                ? new float[] {Float.NaN, 0f, -0f, -1f, Float.POSITIVE_INFINITY, 1f, Float.MIN_VALUE}
                : new float[] {Float.NaN, 0f, -0f, -100f, 100f, 88f, -88f, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY, 20f, Math.nextUp(20f)};
        System.arraycopy(special, 0, x, 0, special.length);
        return x;
    }

    @Test
    void forwardMatchesTheBackends() {
        for (UnaryFn f : UnaryFnCases.all()) {
            UnaryOp op = f.op();
            float[] x = inputs(op);
            Tensor tx = Tensor.of(x, N);
            DeviceBlock dx = upload(x), dy = allocate(N);
            run(PtxKernels.UNARY_FORWARD, gridFor(N), THREADS, op.code(), (float) f.parameter(), dx, dy, (long) N);
            float[] got = floats(dy, N);
            if (op == UnaryOp.RELU || op == UnaryOp.LEAKY_RELU) {
                // Exact, and NaN stays NaN as in the CPU backend (the scalar backend's x > 0 ? x : 0 gives 0).
                Tensor ty = Tensor.zeros(N);
                cpu.unary(f, tx, ty);
                assertArrayEquals(ty.toFloatArray(), got, f.toString());
            } else {
                Tensor ty = Tensor.zeros(N);
                scalar.unary(f, tx, ty);
                assertRelative(ty.toFloatArray(), got, 1e-6, op == UnaryOp.GELU_TANH ? 1e-6 : 1e-37, f.toString());
            }
            // In place: y aliasing x gives the same values.
            run(PtxKernels.UNARY_FORWARD, 7, 96, op.code(), (float) f.parameter(), dx, dx, (long) N);
            assertArrayEquals(got, floats(dx, N), f + " in place");
        }
    }

    @Test
    void backwardMatchesTheCpuAndSkipsTheUnusedInput() {
        for (UnaryFn f : UnaryFnCases.all()) {
            UnaryOp op = f.op();
            float[] x = op == UnaryOp.LOG ? values(N, 1e-3, 10) : values(N, -5, 5);
            float[] g = values(N, -2, 2);
            x[0] = 0f;
            x[1] = -0f;
            g[1] = Float.NaN; // relu: x <= 0 selects 0 even for a NaN gradient, as the CPU does
            g[2] = Float.POSITIVE_INFINITY;
            Tensor tx = Tensor.of(x, N), tg = Tensor.of(g, N), ty = Tensor.zeros(N), expected = Tensor.zeros(N);
            cpu.unary(f, tx, ty);
            cpu.unaryBackward(f, tx, ty, tg, expected);
            float[] y = ty.toFloatArray();
            DeviceBlock dx = upload(x), dy = upload(y), dg = upload(g), out = allocate(N);
            // The input the op does not use is passed as null.
            Object xArg = op.backwardUsesOutput() ? (Object) 0L : dx;
            Object yArg = op.backwardUsesOutput() ? dy : (Object) 0L;
            float p = (float) f.parameter();
            run(PtxKernels.UNARY_BACKWARD, gridFor(N), THREADS, op.code(), p, xArg, yArg, dg, out, (long) N);
            check(f, expected.toFloatArray(), floats(out, N), " backward");
            // dx aliasing dy.
            run(PtxKernels.UNARY_BACKWARD, 3, 64, op.code(), p, xArg, yArg, dg, dg, (long) N);
            check(f, expected.toFloatArray(), floats(dg, N), " backward in place");
        }
    }

    private static void check(UnaryFn f, float[] expected, float[] got, String what) {
        if (EXACT_BACKWARD.contains(f.op())) {
            assertArrayEquals(expected, got, f + what);
        } else {
            assertRelative(expected, got, 1e-5, 1e-6, f + what);
        }
    }

    @Test
    void clampMatchesTheScalarBackendIncludingNanAndSignedZeros() {
        float[] x = values(N, -3, 3);
        float[] special = {Float.NaN, -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1.5f, 0.75f};
        System.arraycopy(special, 0, x, 0, special.length);
        Tensor tx = Tensor.of(x, N);
        for (float[] range : new float[][] {{-1.5f, 0.75f}, {0f, 0f}, {-0f, -0f}, {-0f, 1f}, {-1f, 0f}}) {
            float lo = range[0], hi = range[1];
            Tensor expected = Tensor.zeros(N);
            scalar.clamp(tx, lo, hi, expected);
            DeviceBlock dx = upload(x), dy = allocate(N);
            run(PtxKernels.CLAMP, gridFor(N), THREADS, dx, dy, (long) N, lo, hi);
            assertArrayEquals(expected.toFloatArray(), floats(dy, N), "clamp to [" + lo + ", " + hi + "]");
            run(PtxKernels.CLAMP, 5, 32, dx, dx, (long) N, lo, hi);
            assertArrayEquals(expected.toFloatArray(), floats(dx, N), "clamp in place");
        }
    }
}
