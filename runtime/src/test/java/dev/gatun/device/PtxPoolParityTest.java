package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.Backend;
import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.backend.ScalarBackend;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.kernels.pool.AvgPool;
import dev.gatun.kernels.pool.MaxPool;
import dev.gatun.kernels.pool.PoolShape;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: the pooling kernels of pool.cu against the scalar reference backend on odd NCHW
 * shapes: overlapping windows, non-square kernels and strides, padding, strides larger than the
 * kernel (input pixels no window covers), ties and NaN. Forwards match ScalarBackend bit for bit;
 * the backwards match the CPU kernels' scalar twins (MaxPool, AvgPool) bit for bit, since they
 * sum in float in the same order, and ScalarBackend (which sums in double) within
 * {@link #REL} / {@link #ABS}. Skips without a GPU.
 */
class PtxPoolParityTest {
    // Fewer threads than elements, so every thread goes round the grid-stride loop.
    private static final int BLOCKS = 3;
    private static final int THREADS = 64;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    /** batch, channels, inH, inW, kH, kW, sH, sW, pH, pW. */
    private static final List<Pool2dGeometry> GEOMETRIES = List.of(
            new Pool2dGeometry(2, 3, 11, 13, 3, 3, 2, 2, 1, 1),   // overlapping windows, padding
            new Pool2dGeometry(2, 3, 10, 14, 2, 2, 2, 2, 0, 0),   // the CNN case
            new Pool2dGeometry(1, 5, 9, 7, 3, 2, 1, 2, 1, 1),     // non-square kernel and stride
            new Pool2dGeometry(3, 2, 13, 6, 5, 3, 3, 1, 2, 0),    // tall kernel, padding on one axis
            new Pool2dGeometry(1, 2, 12, 11, 2, 2, 3, 3, 0, 0));  // stride > kernel: gaps

    private final Backend ref = new ScalarBackend();
    private final SplittableRandom random = new SplittableRandom(17);
    private CudaDeviceMemory device;
    private CachingAllocator allocator;
    private Arena arena;
    private Scope scope;

    @BeforeEach
    void open() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        device = new CudaDeviceMemory(0);
        allocator = new CachingAllocator(device);
        arena = Arena.ofConfined();
        scope = Scope.open("PtxPoolParityTest");
    }

    @AfterEach
    void close() {
        if (device != null) {
            scope.close();
            allocator.close();
            device.close();
            arena.close();
        }
    }

    @Test
    void maxPoolMatchesTheReferenceWithTiesAndNaN() {
        for (Pool2dGeometry g : GEOMETRIES) {
            // Few distinct values, so windows hold ties and the first maximum must win; some NaN.
            float[] x = values(inSize(g), true);
            Tensor xt = Tensor.of(x, inShape(g));
            Tensor y = Tensor.zeros(g.outputShape());
            Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
            ref.maxPool2d(g, xt, y, arg);

            int n = outSize(g);
            DeviceBlock dx = upload(x), dy = upload(nans(n)), darg = upload(new int[n]);
            run(PtxKernels.MAX_POOL2D, dx, dy, darg, planes(g), g.inH(), g.inW(), g.outH(), g.outW(), g.kernelH(),
                    g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW());
            assertArrayEquals(y.toFloatArray(), download(dy, n), "y " + g);
            assertArrayEquals(arg.toIntArray(), downloadInts(darg, n), "argmax " + g);
        }
    }

    @Test
    void allNegativeInfinityWindowsPointAtTheirFirstElement() {
        Pool2dGeometry g = GEOMETRIES.get(0);
        float[] x = new float[inSize(g)];
        Arrays.fill(x, Float.NEGATIVE_INFINITY);
        Tensor y = Tensor.zeros(g.outputShape());
        Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
        ref.maxPool2d(g, Tensor.of(x, inShape(g)), y, arg);
        int n = outSize(g);
        DeviceBlock dy = upload(new float[n]), darg = upload(new int[n]);
        run(PtxKernels.MAX_POOL2D, upload(x), dy, darg, planes(g), g.inH(), g.inW(), g.outH(), g.outW(),
                g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW());
        assertArrayEquals(y.toFloatArray(), download(dy, n));
        assertArrayEquals(arg.toIntArray(), downloadInts(darg, n));
    }

    @Test
    void maxPoolBackwardMatchesTheCpuTwinAndTheReference() {
        for (Pool2dGeometry g : GEOMETRIES) {
            Tensor xt = Tensor.of(values(inSize(g), true), inShape(g));
            Tensor y = Tensor.zeros(g.outputShape());
            Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
            ref.maxPool2d(g, xt, y, arg);
            float[] dyv = values(outSize(g), false);
            Tensor dyt = Tensor.of(dyv, g.outputShape());
            Tensor dxRef = Tensor.zeros(inShape(g));
            ref.maxPool2dBackward(g, dyt, arg, dxRef);
            Tensor dxTwin = Tensor.zeros(inShape(g));
            MaxPool.backwardScalar(shape(g), dyt.segment(), 0, arg.segment(), 0, dxTwin.segment(), 0);

            int n = inSize(g);
            // dx starts as NaN: the kernel must write every element, covered by a window or not.
            DeviceBlock ddx = upload(nans(n));
            run(PtxKernels.MAX_POOL2D_BACKWARD, upload(dyv), upload(arg.toIntArray()), ddx, planes(g), g.inH(),
                    g.inW(), g.outH(), g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(),
                    g.padW());
            float[] dx = download(ddx, n);
            assertArrayEquals(dxTwin.toFloatArray(), dx, "dx vs MaxPool.backwardScalar " + g);
            assertClose(dxRef.toFloatArray(), dx, "dx vs ScalarBackend " + g);
        }
    }

    @Test
    void avgPoolMatchesTheReferenceBothDivisors() {
        for (Pool2dGeometry g : GEOMETRIES) {
            for (boolean countIncludePad : new boolean[] {true, false}) {
                float[] x = values(inSize(g), false);
                // Pixel (0, 0) is in the first window whatever the geometry; the other may be in a gap.
                x[0] = Float.NaN;
                x[random.nextInt(x.length)] = Float.NaN;
                Tensor y = Tensor.zeros(g.outputShape());
                ref.avgPool2d(g, countIncludePad, Tensor.of(x, inShape(g)), y);

                int n = outSize(g);
                DeviceBlock dy = upload(nans(n));
                run(PtxKernels.AVG_POOL2D, upload(x), dy, planes(g), g.inH(), g.inW(), g.outH(), g.outW(),
                        g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(), countIncludePad);
                // The window sum in double and one division, as the reference: bit for bit.
                float[] expected = y.toFloatArray();
                assertArrayEquals(expected, download(dy, n), "y " + g + " countIncludePad " + countIncludePad);
                assertTrue(Float.isNaN(expected[0]), "NaN propagates " + g);
            }
        }
    }

    @Test
    void avgPoolBackwardMatchesTheCpuTwinAndTheReference() {
        for (Pool2dGeometry g : GEOMETRIES) {
            for (boolean countIncludePad : new boolean[] {true, false}) {
                float[] dyv = values(outSize(g), false);
                Tensor dyt = Tensor.of(dyv, g.outputShape());
                Tensor dxRef = Tensor.zeros(inShape(g));
                ref.avgPool2dBackward(g, countIncludePad, dyt, dxRef);
                Tensor dxTwin = Tensor.zeros(inShape(g));
                AvgPool.backwardScalar(shape(g), countIncludePad, dyt.segment(), 0, dxTwin.segment(), 0);

                int n = inSize(g);
                DeviceBlock ddx = upload(nans(n));
                run(PtxKernels.AVG_POOL2D_BACKWARD, upload(dyv), ddx, planes(g), g.inH(), g.inW(), g.outH(),
                        g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                        countIncludePad);
                float[] dx = download(ddx, n);
                String what = g + " countIncludePad " + countIncludePad;
                assertArrayEquals(dxTwin.toFloatArray(), dx, "dx vs AvgPool.backwardScalar " + what);
                assertClose(dxRef.toFloatArray(), dx, "dx vs ScalarBackend " + what);
            }
        }
    }

    // ---- shapes --------------------------------------------------------------------------------

    private static int[] inShape(Pool2dGeometry g) {
        return new int[] {g.batch(), g.channels(), g.inH(), g.inW()};
    }

    private static long planes(Pool2dGeometry g) {
        return (long) g.batch() * g.channels();
    }

    private static int inSize(Pool2dGeometry g) {
        return g.batch() * g.channels() * g.inH() * g.inW();
    }

    private static int outSize(Pool2dGeometry g) {
        return g.batch() * g.channels() * g.outH() * g.outW();
    }

    private static PoolShape shape(Pool2dGeometry g) {
        return new PoolShape(g.batch() * g.channels(), g.inH(), g.inW(), g.kernelH(), g.kernelW(), g.strideH(),
                g.strideW(), g.padH(), g.padW());
    }

    // ---- device plumbing, as in PtxKernelParityTest ---------------------------------------------

    private void run(PtxKernel kernel, Object... args) {
        try (PtxModule module = PtxModule.load(kernel.file())) {
            module.launch(kernel, BLOCKS, THREADS, DeviceMemory.DEFAULT_STREAM, args);
            device.synchronize(DeviceMemory.DEFAULT_STREAM);
        }
    }

    private DeviceBlock upload(float[] values) {
        return upload(arena.allocateFrom(ValueLayout.JAVA_FLOAT, values));
    }

    private DeviceBlock upload(int[] values) {
        return upload(arena.allocateFrom(ValueLayout.JAVA_INT, values));
    }

    private DeviceBlock upload(MemorySegment host) {
        DeviceBlock b = allocator.allocate(host.byteSize());
        allocator.copyHostToDevice(host, b, DeviceMemory.DEFAULT_STREAM);
        return b;
    }

    private float[] download(DeviceBlock block, int n) {
        MemorySegment host = arena.allocate(4L * n);
        allocator.copyDeviceToHost(block, host, DeviceMemory.DEFAULT_STREAM);
        return host.toArray(ValueLayout.JAVA_FLOAT);
    }

    private int[] downloadInts(DeviceBlock block, int n) {
        MemorySegment host = arena.allocate(4L * n);
        allocator.copyDeviceToHost(block, host, DeviceMemory.DEFAULT_STREAM);
        return host.toArray(ValueLayout.JAVA_INT);
    }

    // ---- values and comparisons ----------------------------------------------------------------

    /** Uniform in [-2, 2); with {@code ties}, whole numbers in [-3, 3] with about 3% NaN instead. */
    private float[] values(int n, boolean ties) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            if (!ties) {
                out[i] = (float) random.nextDouble(-2, 2);
            } else {
                out[i] = random.nextInt(100) < 3 ? Float.NaN : random.nextInt(-3, 4);
            }
        }
        return out;
    }

    private static float[] nans(int n) {
        float[] out = new float[n];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    /** |actual − expected| <= ABS + REL·|expected| everywhere, NaN where expected is NaN. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(actual[i]), what + " at " + i + ": expected NaN, got " + actual[i]);
            } else {
                assertEquals(expected[i], actual[i], ABS + REL * Math.abs(expected[i]), what + " at " + i);
            }
        }
    }
}
