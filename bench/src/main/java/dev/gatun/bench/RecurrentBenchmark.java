package dev.gatun.bench;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.kernels.gemm.SgemmPackedB;
import dev.gatun.nn.GRU;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
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
 * LSTM and GRU on the CPU backend (and the scalar reference, at hidden 128), one layer, batch {@value #BATCH}, input {@value #INPUT}
 * features (the Fashion-MNIST rows), at hidden sizes 128 and 512 and sequence lengths 28 and 100:
 *
 * <pre>
 * step             one time step as the sequence op runs it: gates += h·W_hhᵀ on a W_hh packed
 *                  once (SgemmPackedB), then the fused cell; one thread
 * forward          the whole sequence, no autograd
 * forwardBackward  the sequence, then BPTT from the sum of the last hidden state
 * </pre>
 * Scores are calls per second; the {@code :gflop} row is GFLOP/s of the GEMM work (forward:
 * 2·T·B·G·H·(in + H) for G gates; backward twice that), the pointwise cell math not counted.
 * {@code bench/pytorch/lstm.py} times PyTorch at the sample's shape.
 *
 * <p>Warm-up is long on purpose: the Vector API kernels run as slow Java fallbacks until C2 has
 * compiled them, about 8 s of this workload (seen in a JFR profile).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class RecurrentBenchmark {
    static final int BATCH = 64;
    static final int INPUT = 28;

    @Param({"lstm", "gru"})
    public String cell;

    @Param({"128", "512"})
    public int hidden;

    @Param({"28", "100"})
    public int steps;

    /** cpu: Vector API kernels; scalar: the reference backend (hidden 128 only: 512 takes minutes). */
    @Param({"cpu", "scalar"})
    public String backend;

    private dev.gatun.tensor.Scope scope;
    private Backend be;
    private RecurrentLayer layer;
    private Tensor x;
    private Tensor h;
    private Tensor c;
    private Tensor gates;
    private Tensor xg;
    private Tensor saved;
    private SgemmPackedB packedWhhT;
    private Tensor wHh;
    private int gateCount;
    private double stepGflop;
    private double forwardGflop;

    @Setup(Level.Trial)
    public void setUp() {
        if (backend.equals("scalar") && hidden > 128) {
            throw new IllegalArgumentException("the scalar backend runs only at hidden 128 here: hidden " + hidden
                    + " would take minutes per call");
        }
        be = BackendRegistry.use(backend);
        scope = dev.gatun.tensor.Scope.open("bench model");
        SplittableRandom rng = new SplittableRandom(42);
        gateCount = switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> throw new IllegalArgumentException("cell must be lstm or gru, got " + cell);
        };
        layer = gateCount == 4 ? new LSTM(INPUT, hidden, rng) : new GRU(INPUT, hidden, rng);
        x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, steps, BATCH, INPUT);
        h = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, hidden);
        c = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, hidden);
        gates = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, gateCount * hidden);
        xg = Tensor.uniform(rng, -1, 1, DType.FLOAT32, BATCH, gateCount * hidden);
        saved = Tensor.zeros(DType.FLOAT32, BATCH, 4 * hidden);
        wHh = layer.parameters().get(1).tensor(); // weight_hh_l0 [G·H, H]
        packedWhhT = SgemmPackedB.pack(true, hidden, gateCount * hidden, wHh.segment(), wHh.offset(), hidden);
        stepGflop = 2.0 * BATCH * gateCount * hidden * hidden / 1e9;
        forwardGflop = 2.0 * steps * BATCH * gateCount * hidden * (INPUT + hidden) / 1e9;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public Tensor step(FlopCounter f) {
        if (backend.equals("scalar")) {
            be.gemm(false, true, 1, h, wHh, gateCount == 4 ? 1 : 0, gates);
        } else {
            packedWhhT.multiply(false, BATCH, 1f, h.segment(), h.offset(), hidden, gateCount == 4 ? 1f : 0f,
                    gates.segment(), gates.offset(), gateCount * hidden);
        }
        if (gateCount == 4) {
            be.lstmCell(gates, c, c, h);
        } else {
            be.gruCell(xg, gates, h, c, saved);
            be.copy(c, h);
        }
        f.gflop += stepGflop;
        return h;
    }

    @Benchmark
    @SuppressWarnings("try") // the scope frees the pass's tensors when it closes
    public double forward(FlopCounter f) {
        try (dev.gatun.tensor.Scope pass = dev.gatun.tensor.Scope.open("bench pass");
             Autograd.NoGrad ignored = Autograd.noGrad()) {
            double r = layer.forward(x, null, null).hN().getFlat(0);
            f.gflop += forwardGflop;
            return r;
        }
    }

    @Benchmark
    @SuppressWarnings("try") // the scope frees the pass's tensors when it closes
    public double forwardBackward(FlopCounter f) {
        try (dev.gatun.tensor.Scope pass = dev.gatun.tensor.Scope.open("bench pass")) {
            layer.zeroGrad();
            Tensor loss = layer.forward(x, null, null).hN().sum();
            loss.backward();
            f.gflop += 3 * forwardGflop;
            return loss.item();
        }
    }
}
