package dev.gatun.bench;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.kernels.gemm.SgemmPackedB;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.RecurrentOutput;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The LSTM of the Fashion-MNIST sample on the CPU backend: T = 28 steps of 28 pixels, batch 64,
 * hidden 128, one layer. {@code step} is one time step (the recurrent GEMM [64, 128]·[128, 512]
 * on a prepacked W_hh plus the fused cell; {@code stepRepacking} the same through the backend's
 * GEMM); {@code forward} the whole sequence without autograd; {@code
 * forwardBackward} the sequence with BPTT from the last hidden state; all three in ms. {@code
 * trainStep} is the sample's whole training step (LSTM, last step → Linear 10, cross-entropy,
 * Adam) in samples per second, the figure to set against {@code bench/pytorch/lstm.py}.
 *
 * <p>Warm-up is long on purpose: the Vector API kernels run as slow Java fallbacks until C2 has
 * compiled them, which took about 8 s of this workload (seen in a JFR profile).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar LstmBenchmark
 * </pre>
 */
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LstmBenchmark {
    static final int STEPS = 28;
    static final int BATCH = 64;
    static final int INPUT = 28;
    static final int HIDDEN = 128;

    private dev.gatun.tensor.Scope model;
    private Backend backend;
    private LSTM lstm;
    private LSTM sample;
    private Linear head;
    private Adam adam;
    private Tensor x;
    private Tensor xBatchFirst;
    private Tensor labels;
    private Tensor h;
    private Tensor c;
    private Tensor gates;
    private Tensor wHh;
    private SgemmPackedB packedWhhT;

    @Setup(Level.Trial)
    public void setUp() {
        backend = BackendRegistry.use("cpu");
        model = dev.gatun.tensor.Scope.open("bench model");
        SplittableRandom rng = new SplittableRandom(42);
        lstm = new LSTM(INPUT, HIDDEN, rng);
        LSTM sampleLstm = new LSTM(INPUT, HIDDEN, 1, false, true, DType.FLOAT32, rng);
        head = new Linear(HIDDEN, 10, rng);
        List<Parameter> params = new ArrayList<>(sampleLstm.parameters());
        params.addAll(head.parameters());
        adam = new Adam(params, 1e-3);
        sample = sampleLstm;
        x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, STEPS, BATCH, INPUT);
        xBatchFirst = Tensor.uniform(rng, 0, 1, DType.FLOAT32, BATCH, STEPS, INPUT);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = rng.nextInt(10);
        }
        labels = Tensor.of(y, BATCH);
        h = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, HIDDEN);
        c = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, HIDDEN);
        gates = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, 4 * HIDDEN);
        wHh = lstm.parameters().get(1).tensor();
        packedWhhT = SgemmPackedB.pack(true, HIDDEN, 4 * HIDDEN, wHh.segment(), wHh.offset(), HIDDEN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /**
     * One time step as the sequence op runs it: gates += h·W_hhᵀ with W_hh packed once
     * ({@link SgemmPackedB}), then the fused cell (c and h written in place). One thread.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Tensor step() {
        packedWhhT.multiply(false, BATCH, 1f, h.segment(), h.offset(), HIDDEN, 1f, gates.segment(), gates.offset(),
                4 * HIDDEN);
        backend.lstmCell(gates, c, c, h);
        return h;
    }

    /** The same step through {@link Backend#gemm}, which packs W_hh again on every call (both threads). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Tensor stepRepacking() {
        backend.gemm(false, true, 1, h, wHh, 1, gates);
        backend.lstmCell(gates, c, c, h);
        return h;
    }

    /** The whole sequence forward, no autograd. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @SuppressWarnings("try") // the scope frees the step's tensors when it closes
    public double forward() {
        try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step");
             Autograd.NoGrad ignored = Autograd.noGrad()) {
            return lstm.forward(x, null, null).hN().getFlat(0);
        }
    }

    /** The whole sequence forward and backward (BPTT from the sum of the last hidden state). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @SuppressWarnings("try") // the scope frees the step's tensors when it closes
    public double forwardBackward() {
        try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
            lstm.zeroGrad();
            RecurrentOutput o = lstm.forward(x, null, null);
            Tensor loss = o.hN().sum();
            loss.backward();
            return loss.item();
        }
    }

    /** The sample's training step: batch-first LSTM, output[:, T-1, :] → Linear 10, cross-entropy, Adam. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    @SuppressWarnings("try") // the scope frees the step's tensors when it closes
    public double trainStep() {
        try (dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
            Tensor out = sample.forward(xBatchFirst);
            Tensor last = out.slice(1, STEPS - 1, STEPS).contiguous().reshape(BATCH, HIDDEN);
            Tensor loss = Losses.crossEntropy(head.forward(last), labels);
            adam.zeroGrad();
            loss.backward();
            adam.step();
            return loss.item();
        }
    }
}
