package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.kernels.elementwise.Scale;
import dev.gatun.kernels.optim.AdagradStep;
import dev.gatun.kernels.optim.AdamStep;
import dev.gatun.kernels.optim.RmspropStep;
import dev.gatun.kernels.optim.SgdStep;
import dev.gatun.kernels.reduce.CrossEntropy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: every PTX kernel gives the CPU kernel's results bit for bit on odd sizes. Skips
 * without one (the no-GPU behaviour is in PtxModuleTest and CudaDeviceMemoryTest).
 */
class PtxKernelParityTest {
    private static final int N = 4099;
    private static final int THREADS = 256;

    private CudaDeviceMemory device;
    private CachingAllocator allocator;
    private Arena arena;
    private final SplittableRandom random = new SplittableRandom(7);

    @BeforeEach
    void open() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        device = new CudaDeviceMemory(0);
        allocator = new CachingAllocator(device);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        if (device != null) {
            allocator.close();
            device.close();
            arena.close();
        }
    }

    @Test
    void adamAndAdamWMatchTheCpu() {
        for (boolean decoupled : new boolean[] {false, true}) {
            float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f;
            int step = 3;
            float[] p = values(N), g = values(N), m = values(N), v = positive(N);
            DeviceBlock dp = upload(p), dg = upload(g), dm = upload(m), dv = upload(v);
            // AdamStep's per-call constants, computed the same way.
            run("adam_step", PtxKernels.ADAM_STEP, dp, dg, dm, dv, (long) N, b1, b2, (float) (1.0 - b1),
                    (float) (1.0 - b2), eps, wd, !decoupled, decoupled, (float) (1.0 - (double) lr * wd),
                    (float) (lr / (1.0 - Math.pow(b1, step))), (float) Math.sqrt(1.0 - Math.pow(b2, step)));
            MemorySegment hp = seg(p), hg = seg(g), hm = seg(m), hv = seg(v);
            AdamStep.runScalar(hp, 0, hg, 0, hm, 0, hv, 0, N, lr, b1, b2, eps, wd, decoupled, step);
            assertArrayEquals(floats(hp), download(dp, N));
            assertArrayEquals(floats(hm), download(dm, N));
            assertArrayEquals(floats(hv), download(dv, N));
        }
    }

    @Test
    void sgdWithNesterovMatchesTheCpu() {
        float[] p = values(N), g = values(N), b = values(N);
        DeviceBlock dp = upload(p), dg = upload(g), db = upload(b);
        run("sgd_step", PtxKernels.SGD_STEP, dp, dg, db, (long) N, 0.05f, 0.9f, 1f, 1e-4f, true, false);
        MemorySegment hp = seg(p), hb = seg(b);
        SgdStep.runScalar(hp, 0, seg(g), 0, hb, 0, N, 0.05f, 0.9f, 0f, 1e-4f, true, false);
        assertArrayEquals(floats(hp), download(dp, N));
        assertArrayEquals(floats(hb), download(db, N));
    }

    @Test
    void centeredRmspropWithMomentumMatchesTheCpu() {
        float[] p = values(N), g = values(N), sq = positive(N), b = values(N), ga = new float[N];
        DeviceBlock dp = upload(p), dg = upload(g), dsq = upload(sq), db = upload(b), dga = upload(ga);
        run("rmsprop_step", PtxKernels.RMSPROP_STEP, dp, dg, dsq, db, dga, (long) N, 0.01f, 0.99f,
                (float) (1.0 - 0.99f), 1e-8f, 1e-3f, 0.5f, true);
        MemorySegment hp = seg(p), hsq = seg(sq), hb = seg(b), hga = seg(ga);
        RmspropStep.runScalar(hp, 0, seg(g), 0, hsq, 0, hb, 0, hga, 0, N, 0.01f, 0.99f, 1e-8f, 1e-3f, 0.5f, true);
        assertArrayEquals(floats(hp), download(dp, N));
        assertArrayEquals(floats(hsq), download(dsq, N));
        assertArrayEquals(floats(hga), download(dga, N));
    }

    @Test
    void adagradMatchesTheCpu() {
        float[] p = values(N), g = values(N), s = positive(N);
        DeviceBlock dp = upload(p), dg = upload(g), ds = upload(s);
        float lr = 0.1f, lrDecay = 0.01f, wd = 1e-3f, eps = 1e-10f;
        int step = 5;
        run("adagrad_step", PtxKernels.ADAGRAD_STEP, dp, dg, ds, (long) N,
                (float) (lr / (1.0 + (step - 1) * (double) lrDecay)), wd, eps);
        MemorySegment hp = seg(p), hs = seg(s);
        AdagradStep.runScalar(hp, 0, seg(g), 0, hs, 0, N, lr, lrDecay, wd, eps, step);
        assertArrayEquals(floats(hp), download(dp, N));
        assertArrayEquals(floats(hs), download(ds, N));
    }

    @Test
    void crossEntropyBackwardAxpbyAndFillMatchTheCpu() {
        int rows = 37, cols = 111;
        float[] probs = positive(rows * cols);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(cols);
        }
        MemorySegment hl = arena.allocateFrom(ValueLayout.JAVA_INT, labels);
        DeviceBlock dprobs = upload(probs), dl = allocator.allocate(hl.byteSize()), dx = allocator.allocate(4L * rows * cols);
        allocator.copyHostToDevice(hl, dl, DeviceMemory.DEFAULT_STREAM);
        run("cross_entropy_backward", PtxKernels.CROSS_ENTROPY_BACKWARD, dprobs, dl, dx, rows, cols, 1f / rows);
        MemorySegment hdx = arena.allocate(4L * rows * cols);
        CrossEntropy.backwardScalar(seg(probs), 0, hl, 0, rows, cols, 1f / rows, hdx, 0);
        assertArrayEquals(floats(hdx), download(dx, rows * cols));

        float[] x = values(N), y = values(N);
        DeviceBlock dxv = upload(x), dy = upload(y);
        run("scale", PtxKernels.AXPBY, 1.5f, dxv, -0.25f, dy, (long) N);
        MemorySegment hy = seg(y);
        Scale.axpbyScalar(1.5f, seg(x), 0, -0.25f, hy, 0, N);
        assertArrayEquals(floats(hy), download(dy, N));
        run("scale", PtxKernels.FILL, dy, (long) N, 3.25f);
        float[] filled = new float[N];
        java.util.Arrays.fill(filled, 3.25f);
        assertArrayEquals(filled, download(dy, N));
    }

    @Test
    void broadcastingDivideMatchesAScalarLoop() {
        // a[3, 1, 5, 7] / b[1, 4, 1, 7] -> out[3, 4, 5, 7]
        long[] d = {3, 4, 5, 7};
        float[] a = values(3 * 5 * 7), b = positive(4 * 7);
        long[] as = {35, 0, 7, 1};
        long[] bs = {0, 7, 0, 1};
        int n = (int) (d[0] * d[1] * d[2] * d[3]);
        DeviceBlock da = upload(a), db = upload(b), dout = allocator.allocate(4L * n);
        run("binary_broadcast", PtxKernels.BINARY_DIV, da, db, dout, d[0], d[1], d[2], d[3], as[0], as[1], as[2],
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
        assertArrayEquals(expected, download(dout, n));
    }

    private void run(String file, PtxKernel kernel, Object... args) {
        try (PtxModule module = PtxModule.load(file)) {
            // The kernels loop grid-stride, so 64 blocks cover every size used here.
            module.launch(kernel, 64, THREADS, DeviceMemory.DEFAULT_STREAM, args);
            device.synchronize(DeviceMemory.DEFAULT_STREAM);
        }
    }

    private DeviceBlock upload(float[] values) {
        MemorySegment host = seg(values);
        DeviceBlock b = allocator.allocate(host.byteSize());
        allocator.copyHostToDevice(host, b, DeviceMemory.DEFAULT_STREAM);
        return b;
    }

    private float[] download(DeviceBlock block, int n) {
        MemorySegment host = arena.allocate(4L * n);
        allocator.copyDeviceToHost(block, host, DeviceMemory.DEFAULT_STREAM);
        return floats(host);
    }

    private MemorySegment seg(float[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
    }

    private static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    private float[] values(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(-2, 2);
        }
        return out;
    }

    private float[] positive(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(0.01, 1);
        }
        return out;
    }
}
