package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.CpuBackend;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
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
 * On a GPU: bfloat16 and float16 tensors on the CUDA backend. The cast kernel gives the CPU's bits
 * for every input (ties, overflow, subnormals, NaN), half views copy and fill as on the host, and
 * the half GEMM (cublasGemmEx, float32 accumulation) is within float32 rounding of the float32
 * product of the rounded inputs, and within bfloat16 / float16 tolerance of the unrounded one.
 * Skips without a GPU, saying why.
 */
class CudaHalfTest {
    private static final List<DType> HALVES = List.of(DType.BFLOAT16, DType.FLOAT16);
    private final Backend cpu = new CpuBackend();
    private Scope scope;
    private Backend cuda;
    private Device device;

    @BeforeEach
    void open() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        scope = Scope.open("cuda half");
        cuda = BackendRegistry.create("cuda");
        device = cuda.device();
    }

    @AfterEach
    void close() {
        if (scope != null) {
            scope.close();
        }
    }

    private static float[] edgeAndRandom(int n, long seed) {
        float[] edges = {0f, -0f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 65504f, 65519.99f, 65520f, -1e6f, 0x1p-24f, 0x1p-25f,
            3 * 0x1p-25f, 0x1p-14f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.intBitsToFloat(0x7f80_0001),
            Float.intBitsToFloat(0xffa1_2345), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f + 0x1p-11f};
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < edges.length ? edges[i] : (float) Math.scalb(r.nextDouble(-2, 2), r.nextInt(-30, 20));
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void castMatchesTheCpuBitForBitBothWays() {
        float[] v = edgeAndRandom(70_001, 3);
        Tensor host = Tensor.of(v, v.length);
        for (DType half : HALVES) {
            Tensor hostHalf = Tensor.zeros(half, v.length);
            cpu.cast(host, hostHalf);
            Tensor devHalf = Tensor.empty(device, half, v.length);
            cuda.cast(host.to(device), devHalf);
            // Widening both on the CPU compares the half bits exactly (every half has one float32).
            Tensor fromDevice = Tensor.zeros(DType.FLOAT32, v.length);
            cpu.cast(devHalf.to(Device.CPU), fromDevice);
            Tensor fromHost = Tensor.zeros(DType.FLOAT32, v.length);
            cpu.cast(hostHalf, fromHost);
            assertArrayEquals(bits(fromHost.toFloatArray()), bits(fromDevice.toFloatArray()), half + " narrowing");
            Tensor wideOnDevice = Tensor.empty(device, DType.FLOAT32, v.length);
            cuda.cast(hostHalf.to(device), wideOnDevice);
            assertArrayEquals(bits(fromHost.toFloatArray()), bits(wideOnDevice.toFloatArray()), half + " widening");
        }
        Tensor bf = host.to(DType.BFLOAT16).to(device);
        Tensor f16 = Tensor.empty(device, DType.FLOAT16, v.length);
        cuda.cast(bf, f16);
        float[] expected = new float[v.length];
        float[] viaBf16 = host.to(DType.BFLOAT16).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            expected[i] = HalfBits.roundToFp16(viaBf16[i]);
        }
        assertArrayEquals(bits(expected), bits(f16.toFloatArray()), "bfloat16 -> float16 through float32");
    }

    @Test
    void halfViewsCopyAndFillAsOnTheHost() {
        for (DType half : HALVES) {
            Tensor host = Tensor.of(edgeAndRandom(37 * 23, 4), 37, 23).to(half);
            Tensor onDevice = host.to(device);
            assertArrayEquals(bits(host.t().contiguous().toFloatArray()), bits(onDevice.t().contiguous().toFloatArray()),
                    half + " transposed copy");
            Tensor filled = Tensor.empty(device, half, 5, 7);
            cuda.fill(filled, 0.1);
            float want = half == DType.BFLOAT16 ? HalfBits.roundToBf16(0.1f) : HalfBits.roundToFp16(0.1f);
            for (float f : filled.toFloatArray()) {
                assertEquals(want, f);
            }
            Tensor asInts = Tensor.empty(device, DType.INT32, 37, 23);
            cuda.copy(onDevice, asInts);
            assertArrayEquals(host.to(DType.INT32).toIntArray(), asInts.toIntArray(), half + " to int32");
        }
    }

    @Test
    void halfGemmIsWithinHalfToleranceOfFloat32() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] sizes = {{1, 1, 1}, {17, 33, 9}, {128, 256, 64}, {513, 1000, 257}};
        for (DType half : HALVES) {
            for (int[] mnk : sizes) {
                for (boolean transA : new boolean[] {false, true}) {
                    int m = mnk[0], n = mnk[1], k = mnk[2];
                    Tensor a = Tensor.uniform(r, -2, 2, DType.FLOAT32, transA ? new int[] {k, m} : new int[] {m, k});
                    Tensor b = Tensor.uniform(r, -2, 2, DType.FLOAT32, k, n);
                    Tensor exact = Tensor.zeros(DType.FLOAT32, m, n);
                    cpu.gemm(transA, false, 1, a, b, 0, exact);
                    Tensor roundedA = a.to(half).to(DType.FLOAT32);
                    Tensor roundedB = b.to(half).to(DType.FLOAT32);
                    Tensor ofRounded = Tensor.zeros(DType.FLOAT32, m, n);
                    cpu.gemm(transA, false, 1, roundedA, roundedB, 0, ofRounded);
                    Tensor c = Tensor.zeros(Scope.current(), device, DType.FLOAT32, m, n);
                    cuda.gemm(transA, false, 1, a.to(half).to(device), b.to(half).to(device), 0, c);
                    float[] got = c.toFloatArray();
                    float[] want = exact.toFloatArray();
                    float[] wantRounded = ofRounded.toFloatArray();
                    // Σ|a||b| bounds each element's rounding: products are exact in float32, the sum rounds.
                    Tensor absSum = Tensor.zeros(DType.FLOAT32, m, n);
                    cpu.gemm(transA, false, 1, absOf(roundedA), absOf(roundedB), 0, absSum);
                    float[] scale = absSum.toFloatArray();
                    double unit = half == DType.BFLOAT16 ? 0x1p-8 : 0x1p-11;
                    String what = half + " " + m + "x" + n + "x" + k + (transA ? " transA" : "");
                    for (int i = 0; i < got.length; i++) {
                        assertTrue(Math.abs(got[i] - wantRounded[i]) <= 1e-5 * scale[i] + 1e-6,
                                what + " vs float32 of the rounded inputs at " + i + ": " + got[i] + " vs " + wantRounded[i]);
                        assertTrue(Math.abs(got[i] - want[i]) <= 2 * unit * scale[i] + 1e-6,
                                what + " vs float32 at " + i + ": " + got[i] + " vs " + want[i]);
                    }
                }
            }
        }
    }

    private static Tensor absOf(Tensor t) {
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.abs(v[i]);
        }
        return Tensor.of(v, t.shape());
    }
}
