package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.device.DeviceBlock;
import dev.gatun.kernels.elementwise.Scale;
import dev.gatun.kernels.optim.AdagradStep;
import dev.gatun.kernels.optim.AdamStep;
import dev.gatun.kernels.optim.RmspropStep;
import dev.gatun.kernels.optim.SgdStep;
import dev.gatun.kernels.reduce.CrossEntropy;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: every PTX kernel gives the CPU kernel's results bit for bit on odd sizes. Skips
 * without one (the no-GPU behaviour is in PtxModuleTest and CudaDeviceMemoryTest).
 */
class PtxKernelParityTest extends PtxParityTestBase {
    private static final int N = 4099;
    // The kernels loop grid-stride, so 64 blocks of THREADS cover every size used here.
    private static final int BLOCKS = 64;

    PtxKernelParityTest() {
        super(7);
    }

    @Test
    void adamAndAdamWMatchTheCpu() {
        for (boolean decoupled : new boolean[] {false, true}) {
            double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
            int step = 3;
            float[] p = values(N), g = values(N), m = values(N), v = positive(N);
            DeviceBlock dp = upload(p), dg = upload(g), dm = upload(m), dv = upload(v);
            AdamStep.Constants k = AdamStep.Constants.of(lr, b1, b2, eps, wd, decoupled, step);
            run(PtxKernels.ADAM_STEP, BLOCKS, THREADS, dp, dg, dm, dv, (long) N, k.b1(), k.b2(), k.oneMinusB1(),
                    k.oneMinusB2(), k.eps(), k.wd(), k.l2(), k.decay(), k.shrink(), k.stepSize(), k.sqrtBc2());
            MemorySegment hp = seg(p), hg = seg(g), hm = seg(m), hv = seg(v);
            AdamStep.runScalar(hp, 0, hg, 0, hm, 0, hv, 0, N, lr, b1, b2, eps, wd, decoupled, step);
            assertArrayEquals(floats(hp), floats(dp, N));
            assertArrayEquals(floats(hm), floats(dm, N));
            assertArrayEquals(floats(hv), floats(dv, N));
        }
    }

    @Test
    void sgdWithNesterovMatchesTheCpu() {
        float[] p = values(N), g = values(N), b = values(N);
        DeviceBlock dp = upload(p), dg = upload(g), db = upload(b);
        run(PtxKernels.SGD_STEP, BLOCKS, THREADS, dp, dg, db, (long) N, 0.05f, 0.9f, 1f, 1e-4f, true, false);
        MemorySegment hp = seg(p), hb = seg(b);
        SgdStep.runScalar(hp, 0, seg(g), 0, hb, 0, N, 0.05f, 0.9f, 0f, 1e-4f, true, false);
        assertArrayEquals(floats(hp), floats(dp, N));
        assertArrayEquals(floats(hb), floats(db, N));
    }

    @Test
    void centeredRmspropWithMomentumMatchesTheCpu() {
        float[] p = values(N), g = values(N), sq = positive(N), b = values(N), ga = new float[N];
        DeviceBlock dp = upload(p), dg = upload(g), dsq = upload(sq), db = upload(b), dga = upload(ga);
        RmspropStep.Constants k = RmspropStep.Constants.of(0.01, 0.99, 1e-8, 1e-3, 0.5, true);
        run(PtxKernels.RMSPROP_STEP, BLOCKS, THREADS, dp, dg, dsq, db, dga, (long) N, k.lr(), k.alpha(),
                k.oneMinusAlpha(), k.eps(), k.wd(), k.momentum(), k.centered());
        MemorySegment hp = seg(p), hsq = seg(sq), hb = seg(b), hga = seg(ga);
        RmspropStep.runScalar(hp, 0, seg(g), 0, hsq, 0, hb, 0, hga, 0, N, 0.01, 0.99, 1e-8, 1e-3, 0.5, true);
        assertArrayEquals(floats(hp), floats(dp, N));
        assertArrayEquals(floats(hsq), floats(dsq, N));
        assertArrayEquals(floats(hga), floats(dga, N));
    }

    @Test
    void adagradMatchesTheCpu() {
        float[] p = values(N), g = values(N), s = positive(N);
        DeviceBlock dp = upload(p), dg = upload(g), ds = upload(s);
        double lr = 0.1, lrDecay = 0.01, wd = 1e-3, eps = 1e-10;
        int step = 5;
        run(PtxKernels.ADAGRAD_STEP, BLOCKS, THREADS, dp, dg, ds, (long) N, AdagradStep.decayedRate(lr, lrDecay, step),
                (float) wd, (float) eps);
        MemorySegment hp = seg(p), hs = seg(s);
        AdagradStep.runScalar(hp, 0, seg(g), 0, hs, 0, N, lr, lrDecay, wd, eps, step);
        assertArrayEquals(floats(hp), floats(dp, N));
        assertArrayEquals(floats(hs), floats(ds, N));
    }

    @Test
    void crossEntropyBackwardAxpbyAndFillMatchTheCpu() {
        int rows = 37, cols = 111;
        float[] probs = positive(rows * cols);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(cols);
        }
        MemorySegment hl = seg(labels);
        DeviceBlock dprobs = upload(probs), dl = upload(hl), dx = allocate((long) rows * cols);
        run(PtxKernels.CROSS_ENTROPY_BACKWARD, BLOCKS, THREADS, dprobs, dl, dx, rows, cols, 1f / rows);
        MemorySegment hdx = seg(new float[rows * cols]);
        CrossEntropy.backwardScalar(seg(probs), 0, hl, 0, rows, cols, 1f / rows, hdx, 0);
        assertArrayEquals(floats(hdx), floats(dx, rows * cols));

        float[] x = values(N), y = values(N);
        DeviceBlock dxv = upload(x), dy = upload(y);
        run(PtxKernels.AXPBY, BLOCKS, THREADS, 1.5f, dxv, -0.25f, dy, (long) N);
        MemorySegment hy = seg(y);
        Scale.axpbyScalar(1.5f, seg(x), 0, -0.25f, hy, 0, N);
        assertArrayEquals(floats(hy), floats(dy, N));
        run(PtxKernels.FILL, BLOCKS, THREADS, dy, (long) N, 3.25f);
        float[] filled = new float[N];
        java.util.Arrays.fill(filled, 3.25f);
        assertArrayEquals(filled, floats(dy, N));
    }

    @Test
    void broadcastingDivideMatchesAScalarLoop() {
        // a[3, 1, 5, 7] / b[1, 4, 1, 7] -> out[3, 4, 5, 7]
        long[] d = {3, 4, 5, 7};
        float[] a = values(3 * 5 * 7), b = positive(4 * 7);
        long[] as = {35, 0, 7, 1};
        long[] bs = {0, 7, 0, 1};
        int n = (int) (d[0] * d[1] * d[2] * d[3]);
        DeviceBlock da = upload(a), db = upload(b), dout = allocate(n);
        run(PtxKernels.BINARY_DIV, BLOCKS, THREADS, da, db, dout, d[0], d[1], d[2], d[3], as[0], as[1], as[2],
                as[3], bs[0], bs[1], bs[2], bs[3]);
        float[] expected = new float[n];
        int i = 0;
        for (int i0 = 0; i0 < d[0]; i0++) {
            for (int i1 = 0; i1 < d[1]; i1++) {
                for (int i2 = 0; i2 < d[2]; i2++) {
                    for (int i3 = 0; i3 < d[3]; i3++) {
                        expected[i++] = a[(int) (i0 * as[0] + i2 * as[2] + i3)] / b[(int) (i1 * bs[1] + i3)];
                    }
                }
            }
        }
        assertArrayEquals(expected, floats(dout, n));
    }

    private float[] values(int n) {
        return values(n, -2, 2);
    }

    private float[] positive(int n) {
        return values(n, 0.01, 1);
    }
}
