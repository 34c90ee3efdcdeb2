package dev.gatun.bench;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one FFM downcall, set against a plain Java call: what every CUDA call of the GPU
 * backend pays before the library does any work.
 *
 * <ul>
 *   <li>{@code cudaRuntimeGetVersion}: {@code cudaRuntimeGetVersion(int*)} through the generated
 *       binding ({@link cudart_h}), writing into an off-heap int. Needs libcudart.so.13 (found as
 *       {@code gatun info} finds it; no GPU or driver needed). Without it this benchmark's setup
 *       fails with one clear line and JMH goes on with the others.</li>
 *   <li>{@code libcAbs}: libc {@code abs(int)} through {@code Linker.nativeLinker().defaultLookup()},
 *       always available: the bare downcall with its Java→native thread-state transition.</li>
 *   <li>{@code libcAbsCritical}: the same with {@code Linker.Option.critical(false)}, which skips
 *       the thread-state transition: the floor for short native calls.</li>
 *   <li>{@code getpid}: libc {@code getpid()}, which glibc (2.25+) no longer caches, so this is a
 *       real system call: what a call that enters the kernel costs on top of a downcall.</li>
 *   <li>{@code javaCall}: a static Java method computing the same {@code abs}, which C2 is told
 *       not to inline: the baseline.</li>
 * </ul>
 *
 * <p>How to read it: scores are nanoseconds per call (lower is better); a downcall's overhead is
 * its score minus {@code javaCall}'s. The handles are {@code static final}, as in the generated
 * bindings, so this is the steady-state cost C2 reaches for them.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar DowncallBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DowncallBenchmark {

    private static final MethodHandle ABS = libc("abs");
    private static final MethodHandle ABS_CRITICAL = libc("abs", Linker.Option.critical(false));
    private static final MethodHandle GETPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("getpid"), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** {@code int name(int)} from libc. */
    private static MethodHandle libc(String name, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow(name),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), options);
    }

    /** An int argument read from a field, so no call sees a constant. */
    @State(Scope.Thread)
    public static class IntArg {
        int x = (int) System.nanoTime();
    }

    /** The output int of cudaRuntimeGetVersion, off-heap; fails setup when libcudart is absent. */
    @State(Scope.Thread)
    public static class CudaRuntime {
        Arena arena;
        MemorySegment version;

        @Setup(Level.Trial)
        public void setUp() {
            CudaLibraries.Loaded lib = CudaLibraries.get().library(CudaLibrary.CUDART);
            if (!lib.ok()) {
                throw new IllegalStateException("DowncallBenchmark.cudaRuntimeGetVersion skipped: "
                        + lib.describe());
            }
            arena = Arena.ofShared();
            version = arena.allocate(ValueLayout.JAVA_INT);
            int status = cudart_h.cudaRuntimeGetVersion(version);
            System.out.println("# " + lib.describe() + ", cudaRuntimeGetVersion -> status " + status
                    + ", version " + version.get(ValueLayout.JAVA_INT, 0));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (arena != null) {
                arena.close();
            }
        }
    }

    @Benchmark
    public int cudaRuntimeGetVersion(CudaRuntime c) {
        return cudart_h.cudaRuntimeGetVersion(c.version);
    }

    @Benchmark
    public int libcAbs(IntArg a) throws Throwable {
        return (int) ABS.invokeExact(a.x);
    }

    @Benchmark
    public int libcAbsCritical(IntArg a) throws Throwable {
        return (int) ABS_CRITICAL.invokeExact(a.x);
    }

    @Benchmark
    public int getpid() throws Throwable {
        return (int) GETPID.invokeExact();
    }

    @Benchmark
    public int javaCall(IntArg a) {
        return plainJava(a.x);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static int plainJava(int x) {
        return Math.abs(x);
    }
}
