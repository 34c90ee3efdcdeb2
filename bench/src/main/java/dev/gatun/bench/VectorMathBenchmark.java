package dev.gatun.bench;

import dev.gatun.kernels.Simd;
import dev.gatun.kernels.VectorMath;
import dev.gatun.kernels.elementwise.Exp;
import dev.gatun.kernels.elementwise.Log;
import dev.gatun.kernels.elementwise.Sigmoid;
import dev.gatun.kernels.elementwise.Tanh;
import dev.gatun.kernels.recurrent.GruCell;
import dev.gatun.kernels.recurrent.LstmCell;
import dev.gatun.kernels.reduce.LogSoftmax;
import dev.gatun.kernels.reduce.Softmax;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * The transcendental kernels: VectorMath's exp, log and tanh array loops against loops of the
 * JDK's {@code lanewise(EXP / LOG / TANH)} (SVML stubs once C2 compiles them; not bit-stable
 * across JIT tiers), in place on a float[] of {@value #N} elements refilled by each call, and the
 * kernels built on VectorMath at the samples' shapes: Exp, Log, Tanh and
 * Sigmoid over {@value #N} floats, Softmax and LogSoftmax over [64, 10] and [64, 1000] rows, and
 * one LSTM and GRU cell step (B = 64, H = 128). Single-threaded sizes throughout.
 *
 * <p>Scores are calls per second; × {@value #N} gives elements per second for the maps.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar VectorMathBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class VectorMathBenchmark {
    static final int N = 16_384;
    static final int BATCH = 64;
    static final int HIDDEN = 128;
    private static final VectorSpecies<Float> F = Simd.FLOATS;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private Arena arena;
    private float[] in;
    private float[] positive;
    private float[] out;
    private MemorySegment x;
    private MemorySegment xPositive;
    private MemorySegment y;
    private MemorySegment logits10;
    private MemorySegment logits1000;
    private MemorySegment probs;
    private MemorySegment gates;
    private MemorySegment gatesIn;
    private MemorySegment c;
    private MemorySegment cNext;
    private MemorySegment h;
    private MemorySegment dh;
    private MemorySegment dGates;
    private MemorySegment dc;
    private MemorySegment saved;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom rng = new SplittableRandom(42);
        in = new float[N];
        positive = new float[N];
        out = new float[N];
        for (int i = 0; i < N; i++) {
            in[i] = (float) rng.nextDouble(-8, 8);
            positive[i] = (float) rng.nextDouble(1e-3, 1e3);
        }
        x = MemorySegment.ofArray(in.clone());
        xPositive = MemorySegment.ofArray(positive.clone());
        y = arena.allocate((long) N * Float.BYTES, 64);
        logits10 = random(rng, BATCH * 10, 4);
        logits1000 = random(rng, BATCH * 1000, 4);
        probs = arena.allocate((long) BATCH * 1000 * Float.BYTES, 64);
        gatesIn = random(rng, BATCH * 4 * HIDDEN, 3);
        gates = arena.allocate(gatesIn.byteSize(), 64);
        c = random(rng, BATCH * HIDDEN, 1);
        cNext = arena.allocate(c.byteSize(), 64);
        h = arena.allocate(c.byteSize(), 64);
        dh = random(rng, BATCH * HIDDEN, 1);
        dc = random(rng, BATCH * HIDDEN, 1);
        dGates = arena.allocate(gatesIn.byteSize(), 64);
        saved = arena.allocate((long) BATCH * 4 * HIDDEN * Float.BYTES, 64);
    }

    private MemorySegment random(SplittableRandom rng, int n, double scale) {
        MemorySegment s = arena.allocate((long) n * Float.BYTES, 64);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(FLOAT, i, (float) rng.nextDouble(-scale, scale));
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] expVectorMath() {
        System.arraycopy(in, 0, out, 0, N);
        VectorMath.exp(out, 0, N);
        return out;
    }

    @Benchmark
    public float[] expJdkLanewise() {
        System.arraycopy(in, 0, out, 0, N);
        for (int i = 0; i < N; i += F.length()) {
            FloatVector.fromArray(F, out, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
        return out;
    }

    @Benchmark
    public float[] logVectorMath() {
        System.arraycopy(positive, 0, out, 0, N);
        VectorMath.log(out, 0, N);
        return out;
    }

    @Benchmark
    public float[] logJdkLanewise() {
        System.arraycopy(positive, 0, out, 0, N);
        for (int i = 0; i < N; i += F.length()) {
            FloatVector.fromArray(F, out, i).lanewise(VectorOperators.LOG).intoArray(out, i);
        }
        return out;
    }

    @Benchmark
    public float[] tanhVectorMath() {
        System.arraycopy(in, 0, out, 0, N);
        VectorMath.tanh(out, 0, N);
        return out;
    }

    @Benchmark
    public float[] tanhJdkLanewise() {
        System.arraycopy(in, 0, out, 0, N);
        for (int i = 0; i < N; i += F.length()) {
            FloatVector.fromArray(F, out, i).lanewise(VectorOperators.TANH).intoArray(out, i);
        }
        return out;
    }

    @Benchmark
    public MemorySegment expKernel() {
        Exp.forward(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public MemorySegment logKernel() {
        Log.forward(xPositive, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public MemorySegment tanhKernel() {
        Tanh.forward(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public MemorySegment sigmoidKernel() {
        Sigmoid.forward(x, 0, y, 0, N);
        return y;
    }

    @Benchmark
    public MemorySegment softmax64x10() {
        Softmax.forward(logits10, 0, BATCH, 10, probs, 0);
        return probs;
    }

    @Benchmark
    public MemorySegment softmax64x1000() {
        Softmax.forward(logits1000, 0, BATCH, 1000, probs, 0);
        return probs;
    }

    @Benchmark
    public MemorySegment logSoftmax64x1000() {
        LogSoftmax.forward(logits1000, 0, BATCH, 1000, probs, 0);
        return probs;
    }

    @Benchmark
    public MemorySegment lstmCellForward() {
        MemorySegment.copy(gatesIn, 0, gates, 0, gates.byteSize());
        LstmCell.forward(BATCH, HIDDEN, gates, 0, c, 0, cNext, 0, h, 0);
        return h;
    }

    @Benchmark
    public MemorySegment lstmCellBackward() {
        // gatesIn stands in for activated gates: the kernel's cost does not depend on the values.
        LstmCell.backward(BATCH, HIDDEN, gatesIn, 0, c, 0, c, 0, dh, 0, dc, 0, dGates, 0, cNext, 0);
        return dGates;
    }

    @Benchmark
    public MemorySegment gruCellForward() {
        GruCell.forward(BATCH, HIDDEN, gatesIn, 0, gatesIn, 0, c, 0, h, 0, saved, 0);
        return h;
    }
}
