package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: dropout.cu draws the CPU backend's mask from the same seed and p, bit for bit, and
 * y = x * mask equally exactly, whatever the launch shape. Skips without a GPU.
 */
class PtxDropoutParityTest extends PtxParityTestBase {
    PtxDropoutParityTest() {
        super(19);
    }

    @Test
    void maskAndOutputMatchTheCpuBackendBitForBit() {
        double[] ps = {0.3, 0.0, 0.5, 0.1, 0.999};
        long[] seeds = {77, -1, 42, 0x123456789ABCDEFL, Long.MIN_VALUE};
        for (int[] shape : new int[][] {{4099}, {37, 111}}) {
            int n = shape.length == 1 ? shape[0] : shape[0] * shape[1];
            for (int k = 0; k < ps.length; k++) {
                double p = ps[k];
                long seed = seeds[k];
                float[] x = values(n, -2, 2);
                Tensor tx = Tensor.of(x, shape), mask = Tensor.zeros(shape), y = Tensor.zeros(shape);
                cpu.dropout(tx, mask, y, p, seed);
                String what = "p = " + p + ", seed = " + seed + ", n = " + n;
                for (int[] launch : new int[][] {{gridFor(n), THREADS}, {3, 96}}) {
                    DeviceBlock dx = upload(x), dm = allocate(n), dy = allocate(n);
                    run(PtxKernels.DROPOUT, launch[0], launch[1], dx, dm, dy, (long) n, threshold(p), scale(p), seed);
                    assertArrayEquals(mask.toFloatArray(), floats(dm, n), what + ": mask");
                    assertArrayEquals(y.toFloatArray(), floats(dy, n), what + ": y");
                }
                // y aliasing x.
                DeviceBlock dx = upload(x), dm = allocate(n);
                run(PtxKernels.DROPOUT, gridFor(n), THREADS, dx, dm, dx, (long) n, threshold(p), scale(p), seed);
                assertArrayEquals(y.toFloatArray(), floats(dx, n), what + ": y in place");
            }
        }
    }

    // The host's per-call constants, from the float p as CpuBackend passes it to Dropout.forward,
    // computed as Dropout does (its threshold() and scale()).
    private static int threshold(double p) {
        return (int) Math.ceil((float) p * 16777216.0);
    }

    private static float scale(double p) {
        float pf = (float) p;
        return pf >= 1f ? 0f : (float) (1.0 / (1.0 - pf));
    }
}
