package dev.gatun.bench;

import static dev.gatun.bindings.cublas.cublas_h.CUBLAS_OP_N;
import static dev.gatun.bindings.cublas.cublas_h.cublasCreate_v2;
import static dev.gatun.bindings.cublas.cublas_h.cublasDestroy_v2;
import static dev.gatun.bindings.cublas.cublas_h.cublasSgemm_v2;
import static dev.gatun.bindings.cuda.runtime.cudart_h.cudaDeviceSynchronize;
import static dev.gatun.bindings.cuda.runtime.cudart_h.cudaFree;
import static dev.gatun.bindings.cuda.runtime.cudart_h.cudaMalloc;
import static dev.gatun.bindings.cuda.runtime.cudart_h.cudaMemcpy;
import static dev.gatun.bindings.cuda.runtime.cudart_h.cudaMemcpyHostToDevice;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.Gpu;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GPU's own limit for the report: cuBLAS SGEMM (FP32 math, no TF32) on n×n device matrices,
 * synchronized after each call, in GFLOP/s ({@code :gflop}). Without a GPU the setup throws the
 * bindings' "no GPU" reason and JMH skips the benchmark with it.
 *
 * <p>Run on an H100 on 2026-11-22: about 51 TFLOP/s at n = 4096 and 8192
 * ({@code bench/results/nvidia-h100-20261122-cuda/jmh.txt}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CublasPeakBenchmark {
    @Param({"4096", "8192"})
    public int n;

    private final Arena arena = Arena.ofShared();
    private MemorySegment handle;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private MemorySegment one;
    private MemorySegment zero;
    private double gflop;

    @Setup(Level.Trial)
    public void setUp() {
        CudaLibraries.get().require(CudaLibrary.CUDART);
        CudaLibraries.get().require(CudaLibrary.CUBLAS);
        Gpu.requireGpu();
        long bytes = (long) n * n * Float.BYTES;
        a = deviceRandom(bytes, 1);
        b = deviceRandom(bytes, 2);
        c = deviceRandom(bytes, 3);
        MemorySegment h = arena.allocate(ValueLayout.ADDRESS);
        CudaStatus.checkCublas(cublasCreate_v2(h), "cublasCreate_v2");
        handle = h.get(ValueLayout.ADDRESS, 0);
        one = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
        gflop = 2.0 * n * n * n / 1e9;
    }

    private MemorySegment deviceRandom(long bytes, long seed) {
        MemorySegment ptr = arena.allocate(ValueLayout.ADDRESS);
        CudaStatus.checkRuntime(cudaMalloc(ptr, bytes), "cudaMalloc");
        MemorySegment dev = ptr.get(ValueLayout.ADDRESS, 0);
        MemorySegment host = arena.allocate(bytes, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < bytes / Float.BYTES; i++) {
            host.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        }
        CudaStatus.checkRuntime(cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice()), "cudaMemcpy");
        return dev;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (handle != null) {
            cublasDestroy_v2(handle);
        }
        for (MemorySegment m : new MemorySegment[] {a, b, c}) {
            if (m != null) {
                cudaFree(m);
            }
        }
        arena.close();
    }

    @Benchmark
    public void sgemm(FlopCounter f) {
        // Square operands: the row-/column-major question does not arise for a peak figure.
        CudaStatus.checkCublas(cublasSgemm_v2(handle, CUBLAS_OP_N(), CUBLAS_OP_N(), n, n, n, one, a, n, b, n, zero, c, n),
                "cublasSgemm_v2");
        CudaStatus.checkRuntime(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
        f.gflop += gflop;
    }
}
