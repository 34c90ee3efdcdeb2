package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CastOps#cast} on the scalar, CPU and fake-device backends: every pair of float dtypes,
 * contiguous and strided sources, against {@link HalfBits} element by element.
 */
class HalfCastTest {
    private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16, DType.FLOAT16);
    private static final int[][] SHAPES = {{1}, {7}, {3, 17}, {33, 10}, {5, 1031}};
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("half cast test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** Values with every edge: ties, float16 overflow and subnormals, NaN, infinities, signed zero. */
    private static Tensor values(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(DType.FLOAT64, shape);
        double[] edges = {0, -0.0, 1 + 0x1p-8, 1 + 3 * 0x1p-8, 65520, 65519.99, -1e6, 0x1p-24, 0x1p-25, 3 * 0x1p-25,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1 + 0x1p-11, 0.1, 1e-30};
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, i % 3 == 0 ? edges[(int) (i / 3 % edges.length)]
                    : Math.scalb(r.nextDouble(-2, 2), r.nextInt(-30, 20)));
        }
        return t;
    }

    /** What converting {@code v} (a value of {@code from}) to {@code to} gives: through float32 into a half. */
    private static double expected(double v, DType to) {
        return switch (to) {
            case FLOAT64 -> v;
            case FLOAT32 -> (float) v;
            case BFLOAT16 -> HalfBits.roundToBf16((float) v);
            case FLOAT16 -> HalfBits.roundToFp16((float) v);
            case INT32 -> throw new IllegalArgumentException("not a float dtype");
        };
    }

    private static void check(Backend be, Device device, String name) {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] shape : SHAPES) {
            Tensor wide = values(r, shape);
            for (DType from : FLOATS) {
                Tensor src = Tensor.zeros(from, shape);
                new ScalarBackend().castUnchecked(wide, src);
                for (boolean strided : new boolean[] {false, true}) {
                    Tensor source = src.to(device);
                    if (strided && shape.length == 2) {
                        source = source.t();
                    }
                    for (DType to : FLOATS) {
                        Tensor dst = Tensor.empty(device, to, source.shape());
                        be.cast(source, dst);
                        Tensor viewOnHost = strided && shape.length == 2 ? src.t() : src;
                        double[] in = viewOnHost.toDoubleArray();
                        double[] out = dst.toDoubleArray();
                        for (int i = 0; i < in.length; i++) {
                            double e = expected(in[i], to);
                            String what = name + " " + from.label() + "->" + to.label() + (strided ? " strided " : " ")
                                    + java.util.Arrays.toString(shape) + " at " + i + " of " + in[i];
                            assertEquals(Double.doubleToLongBits(e), Double.doubleToLongBits(out[i]) , what
                                    + ": expected " + e + " got " + out[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void scalarBackendCastsEveryPairAsHalfBits() {
        check(new ScalarBackend(), Device.CPU, "scalar");
    }

    @Test
    void cpuBackendCastsEveryPairAsHalfBits() {
        check(new CpuBackend(), Device.CPU, "cpu");
    }

    @Test
    void fakeDeviceCastsEveryPairAsHalfBits() {
        check(BackendRegistry.of(Tensor.empty(Device.fake(), DType.FLOAT32, 1)), Device.fake(), "fake");
    }

    @Test
    void castRefusesInt32AndNonContiguousOutputs() {
        Backend be = new CpuBackend();
        Tensor ints = Tensor.zeros(DType.INT32, 3);
        Tensor halves = Tensor.zeros(DType.BFLOAT16, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.cast(ints, halves));
        assertTrue(e.getMessage().startsWith("cast: converts between float dtypes"), e.getMessage());
        Tensor strided = Tensor.zeros(DType.FLOAT16, 3, 2).t();
        e = assertThrows(IllegalArgumentException.class, () -> be.cast(Tensor.zeros(DType.FLOAT32, 2, 3), strided));
        assertTrue(e.getMessage().contains("must be contiguous"), e.getMessage());
    }

    @Test
    void halfTensorsCopyAndFillOnEveryBackend() {
        for (Backend be : List.of(new ScalarBackend(), new CpuBackend())) {
            Tensor src = Tensor.of(new float[] {1.5f, -2f, 3.25f, 0.1f, 7f, 65504f}, 2, 3).to(DType.FLOAT16);
            Tensor dst = Tensor.zeros(DType.FLOAT16, 3, 2);
            be.copy(src.t(), dst);
            float[] expected = {1.5f, 0.1f, -2f, 7f, 3.25f, 65504f};
            for (int i = 0; i < expected.length; i++) {
                expected[i] = HalfBits.roundToFp16(expected[i]);
            }
            assertArrayEquals(expected, dst.toFloatArray(), be.name());
            be.fill(dst, 0.1);
            assertEquals(HalfBits.roundToFp16(0.1f), dst.toFloatArray()[5], be.name());
        }
    }

    /** Half A and B into float32 C: the float32 GEMM of the widened operands, bit for bit, on every backend. */
    @Test
    void halfGemmIsTheFloat32GemmOfTheWidenedOperands() {
        SplittableRandom r = new SplittableRandom(8);
        Backend fake = BackendRegistry.of(Tensor.empty(Device.fake(), DType.FLOAT32, 1));
        for (Backend be : List.of(new ScalarBackend(), new CpuBackend(), fake)) {
            Device device = be.device();
            for (DType half : List.of(DType.BFLOAT16, DType.FLOAT16)) {
                for (int[] mnk : new int[][] {{1, 1, 1}, {7, 33, 17}, {65, 40, 129}}) {
                    for (boolean transA : new boolean[] {false, true}) {
                        for (boolean transB : new boolean[] {false, true}) {
                            int m = mnk[0], n = mnk[1], k = mnk[2];
                            Tensor a = Tensor.uniform(r, -2, 2, DType.FLOAT32, transA ? new int[] {k, m} : new int[] {m, k})
                                    .to(half).to(device);
                            Tensor b = Tensor.uniform(r, -2, 2, DType.FLOAT32, transB ? new int[] {n, k} : new int[] {k, n})
                                    .to(half).to(device);
                            Tensor c0 = Tensor.uniform(r, -1, 1, DType.FLOAT32, m, n);
                            // to(FLOAT32) copies, so c and want are two tensors on every device.
                            Tensor c = c0.to(DType.FLOAT32).to(device);
                            Tensor want = c0.to(DType.FLOAT32).to(device);
                            be.gemm(transA, transB, 0.5, a, b, 0.25, c);
                            be.gemm(transA, transB, 0.5, a.to(DType.FLOAT32), b.to(DType.FLOAT32), 0.25, want);
                            String what = be.name() + " " + half.label() + " " + m + "x" + n + "x" + k + " " + transA + " "
                                    + transB;
                            assertArrayEquals(want.toFloatArray(), c.toFloatArray(), what);
                        }
                    }
                }
            }
        }
    }
}
