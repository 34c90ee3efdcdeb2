package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.device.DeviceBlock;
import dev.gatun.kernels.pool.AvgPool;
import dev.gatun.kernels.pool.MaxPool;
import dev.gatun.kernels.pool.PoolShape;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: the pooling kernels of pool.cu against the scalar reference backend on odd NCHW
 * shapes: overlapping windows, non-square kernels and strides, padding, strides larger than the
 * kernel (input pixels no window covers), ties and NaN. Forwards match ScalarBackend bit for bit;
 * the backwards match the CPU kernels' scalar twins (MaxPool, AvgPool) bit for bit, since they
 * sum in float in the same order, and ScalarBackend (which sums in double) within
 * {@link #REL} / {@link #ABS}. Skips without a GPU.
 */
class PtxPoolParityTest extends PtxParityTestBase {
    // Fewer threads than elements, so every thread goes round the grid-stride loop.
    private static final int BLOCKS = 3;
    private static final int BLOCK_THREADS = 64;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    /** batch, channels, inH, inW, kH, kW, sH, sW, pH, pW. */
    private static final List<Pool2dGeometry> GEOMETRIES = List.of(
            new Pool2dGeometry(2, 3, 11, 13, 3, 3, 2, 2, 1, 1),   // overlapping windows, padding
            new Pool2dGeometry(2, 3, 10, 14, 2, 2, 2, 2, 0, 0),   // the CNN case
            new Pool2dGeometry(1, 5, 9, 7, 3, 2, 1, 2, 1, 1),     // non-square kernel and stride
            new Pool2dGeometry(3, 2, 13, 6, 5, 3, 3, 1, 2, 0),    // tall kernel, padding on one axis
            new Pool2dGeometry(1, 2, 12, 11, 2, 2, 3, 3, 0, 0));  // stride > kernel: gaps

    PtxPoolParityTest() {
        super(17);
    }

    @Test
    void maxPoolMatchesTheReferenceWithTiesAndNaN() {
        for (Pool2dGeometry g : GEOMETRIES) {
            // Few distinct values, so windows hold ties and the first maximum must win; some NaN.
            float[] x = values(inSize(g), true);
            Tensor xt = Tensor.of(x, inShape(g));
            Tensor y = Tensor.zeros(g.outputShape());
            Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
            scalar.maxPool2d(g, xt, y, arg);

            int n = outSize(g);
            DeviceBlock dx = upload(x), dy = upload(nans(n)), darg = upload(new int[n]);
            run(PtxKernels.MAX_POOL2D, BLOCKS, BLOCK_THREADS, dx, dy, darg, planes(g), g.inH(), g.inW(), g.outH(),
                    g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW());
            assertArrayEquals(y.toFloatArray(), floats(dy, n), "y " + g);
            assertArrayEquals(arg.toIntArray(), ints(darg, n), "argmax " + g);
        }
    }

    @Test
    void allNegativeInfinityWindowsPointAtTheirFirstElement() {
        Pool2dGeometry g = GEOMETRIES.get(0);
        float[] x = new float[inSize(g)];
        Arrays.fill(x, Float.NEGATIVE_INFINITY);
        Tensor y = Tensor.zeros(g.outputShape());
        Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
        scalar.maxPool2d(g, Tensor.of(x, inShape(g)), y, arg);
        int n = outSize(g);
        DeviceBlock dy = upload(new float[n]), darg = upload(new int[n]);
        run(PtxKernels.MAX_POOL2D, BLOCKS, BLOCK_THREADS, upload(x), dy, darg, planes(g), g.inH(), g.inW(), g.outH(),
                g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW());
        assertArrayEquals(y.toFloatArray(), floats(dy, n));
        assertArrayEquals(arg.toIntArray(), ints(darg, n));
    }

    @Test
    void maxPoolBackwardMatchesTheCpuTwinAndTheReference() {
        for (Pool2dGeometry g : GEOMETRIES) {
            Tensor xt = Tensor.of(values(inSize(g), true), inShape(g));
            Tensor y = Tensor.zeros(g.outputShape());
            Tensor arg = Tensor.zeros(DType.INT32, g.outputShape());
            scalar.maxPool2d(g, xt, y, arg);
            float[] dyv = values(outSize(g), false);
            Tensor dyt = Tensor.of(dyv, g.outputShape());
            Tensor dxRef = Tensor.zeros(inShape(g));
            scalar.maxPool2dBackward(g, dyt, arg, dxRef);
            Tensor dxTwin = Tensor.zeros(inShape(g));
            MaxPool.backwardScalar(shape(g), dyt.segment(), 0, arg.segment(), 0, dxTwin.segment(), 0);

            int n = inSize(g);
            // dx starts as NaN: the kernel must write every element, covered by a window or not.
            DeviceBlock ddx = upload(nans(n));
            run(PtxKernels.MAX_POOL2D_BACKWARD, BLOCKS, BLOCK_THREADS, upload(dyv), upload(arg.toIntArray()), ddx,
                    planes(g), g.inH(), g.inW(), g.outH(), g.outW(), g.kernelH(), g.kernelW(), g.strideH(),
                    g.strideW(), g.padH(), g.padW());
            float[] dx = floats(ddx, n);
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
                scalar.avgPool2d(g, countIncludePad, Tensor.of(x, inShape(g)), y);

                int n = outSize(g);
                DeviceBlock dy = upload(nans(n));
                run(PtxKernels.AVG_POOL2D, BLOCKS, BLOCK_THREADS, upload(x), dy, planes(g), g.inH(), g.inW(),
                        g.outH(), g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(), g.padW(),
                        countIncludePad);
                // The window sum in double and one division, as the reference: bit for bit.
                float[] expected = y.toFloatArray();
                assertArrayEquals(expected, floats(dy, n), "y " + g + " countIncludePad " + countIncludePad);
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
                scalar.avgPool2dBackward(g, countIncludePad, dyt, dxRef);
                Tensor dxTwin = Tensor.zeros(inShape(g));
                AvgPool.backwardScalar(shape(g), countIncludePad, dyt.segment(), 0, dxTwin.segment(), 0);

                int n = inSize(g);
                DeviceBlock ddx = upload(nans(n));
                run(PtxKernels.AVG_POOL2D_BACKWARD, BLOCKS, BLOCK_THREADS, upload(dyv), ddx, planes(g), g.inH(),
                        g.inW(), g.outH(), g.outW(), g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(),
                        g.padW(), countIncludePad);
                float[] dx = floats(ddx, n);
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

    // ---- values and comparisons ----------------------------------------------------------------

    /** Uniform in [-2, 2); with {@code ties}, whole numbers in [-3, 3] with about 3% NaN instead. */
    private float[] values(int n, boolean ties) {
        if (!ties) {
            return values(n, -2, 2);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(100) < 3 ? Float.NaN : random.nextInt(-3, 4);
        }
        return out;
    }

    /** |actual − expected| <= ABS + REL·|expected| everywhere; NaN and infinities exactly. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertRelative(expected, actual, REL, ABS, what);
    }
}
