package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.backend.UnaryOp;
import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: unary.cu against the backends. Forward transcendentals are float32 (CUDA's expf,
 * tanhf within 2 ulp, logf within 1) against the scalar backend's double math, so within 1e-6
 * relative (plus 1e-37 for subnormal results); relu and every backward are exact against the
 * CPU backend, clamp against the scalar backend. Skips without a GPU.
 */
class PtxUnaryParityTest extends PtxParityTestBase {
    private static final int N = 4099;

    PtxUnaryParityTest() {
        super(11);
    }

    /** Inputs for op: a wide range with the special values at the front. */
    private float[] inputs(UnaryOp op) {
        float[] x = op == UnaryOp.LOG ? values(N, 1e-3, 10) : values(N, -20, 20);
        float[] special = op == UnaryOp.LOG
                ? new float[] {Float.NaN, 0f, -0f, -1f, Float.POSITIVE_INFINITY, 1f, Float.MIN_VALUE}
                : new float[] {Float.NaN, 0f, -0f, -100f, 100f, 88f, -88f, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY};
        System.arraycopy(special, 0, x, 0, special.length);
        return x;
    }

    @Test
    void forwardMatchesTheBackends() {
        for (UnaryOp op : UnaryOp.values()) {
            float[] x = inputs(op);
            Tensor tx = Tensor.of(x, N);
            DeviceBlock dx = upload(x), dy = allocate(N);
            run(PtxKernels.UNARY_FORWARD, gridFor(N), THREADS, op.ordinal(), dx, dy, (long) N);
            float[] got = floats(dy, N);
            if (op == UnaryOp.RELU) {
                // Exact, and NaN stays NaN as in the CPU backend (the scalar backend's x > 0 ? x : 0 gives 0).
                Tensor ty = Tensor.zeros(N);
                cpu.unary(op, tx, ty);
                assertArrayEquals(ty.toFloatArray(), got, "relu");
            } else {
                Tensor ty = Tensor.zeros(N);
                scalar.unary(op, tx, ty);
                assertRelative(ty.toFloatArray(), got, 1e-6, 1e-37, op.name());
            }
            // In place: y aliasing x gives the same values.
            run(PtxKernels.UNARY_FORWARD, 7, 96, op.ordinal(), dx, dx, (long) N);
            assertArrayEquals(got, floats(dx, N), op + " in place");
        }
    }

    @Test
    void backwardMatchesTheCpuBitForBitAndSkipsTheUnusedInput() {
        for (UnaryOp op : UnaryOp.values()) {
            float[] x = op == UnaryOp.LOG ? values(N, 1e-3, 10) : values(N, -5, 5);
            float[] g = values(N, -2, 2);
            x[0] = 0f;
            x[1] = -0f;
            g[1] = Float.NaN; // relu: x <= 0 selects 0 even for a NaN gradient, as the CPU does
            g[2] = Float.POSITIVE_INFINITY;
            Tensor tx = Tensor.of(x, N), tg = Tensor.of(g, N), ty = Tensor.zeros(N), expected = Tensor.zeros(N);
            cpu.unary(op, tx, ty);
            cpu.unaryBackward(op, tx, ty, tg, expected);
            float[] y = ty.toFloatArray();
            DeviceBlock dx = upload(x), dy = upload(y), dg = upload(g), out = allocate(N);
            // The input the op does not use is passed as null.
            Object xArg = op.backwardUsesOutput() ? (Object) 0L : dx;
            Object yArg = op.backwardUsesOutput() ? dy : (Object) 0L;
            run(PtxKernels.UNARY_BACKWARD, gridFor(N), THREADS, op.ordinal(), xArg, yArg, dg, out, (long) N);
            assertArrayEquals(expected.toFloatArray(), floats(out, N), op + " backward");
            // dx aliasing dy.
            run(PtxKernels.UNARY_BACKWARD, 3, 64, op.ordinal(), xArg, yArg, dg, dg, (long) N);
            assertArrayEquals(expected.toFloatArray(), floats(dg, N), op + " backward in place");
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
