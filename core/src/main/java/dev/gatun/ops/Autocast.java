package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.GemmOps;
import dev.gatun.backend.Precision;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Mixed precision for the ops, as {@code torch.autocast}: inside
 * {@code try (Autocast a = Autocast.enable(Precision.BF16)) { ... }} the ops of PyTorch's
 * lower-precision list (matmul, linear, conv2d and the RNN, LSTM and GRU sequence ops) compute
 * on operands rounded to bfloat16 (or float16) with float32 sums and float32 outputs; everything
 * else (softmax, log-softmax, the losses, batch-norm statistics, reductions, element-wise ops, the
 * optimizer) stays float32, the ops of PyTorch's float32 list saying so in the scope's
 * {@link #opLog() op log}. Parameters are never changed: each op rounds a copy, and the gradient
 * flows back into the float32 tensor (master weights and optimizer state stay float32).
 *
 * <p>A scope belongs to the thread that opened it; scopes nest (the innermost decides) and
 * {@link #disable()} opens a float32 one inside. Each open scope logs every op that runs under it
 * with the precision it ran in, so a test can say "linear ran bf16, cross-entropy float32".
 *
 * <p>How the GEMM ops lower is the backend's {@link GemmOps#hasNativeHalfGemm capability},
 * logged once per backend: CUDA (and the fake device, which runs CUDA's path with host kernels)
 * casts their operands to real bfloat16/float16 tensors for a 16-bit GEMM with float32
 * accumulation, forward and backward; the CPU backends round float32 copies through
 * {@link #operand} and run the float32 kernel, which is exact emulation (a half-precision
 * tensor-core product multiplies 16-bit values exactly and sums in float32). Convolutions and the
 * recurrent ops round through {@link #operand} on every backend, on the backend's device.
 */
public final class Autocast implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.gatun.ops");
    // The backends whose GEMM lowering was logged: each says once which way it goes.
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<ArrayDeque<Autocast>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Precision precision;
    private final Thread owner = Thread.currentThread();
    private final Map<String, EnumMap<Precision, Long>> log = new TreeMap<>();
    private boolean closed;

    private Autocast(Precision precision) {
        this.precision = precision;
    }

    /**
     * Opens a scope on this thread in which the lower-precision ops round their operands to
     * {@code precision}: bf16 or fp16; fp32 and tf32 round nothing (TF32 is the backend's choice).
     *
     * @param precision the precision of the lower-precision ops
     * @return the scope, to close on the same thread
     */
    public static Autocast enable(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("autocast: precision must not be null; choose one of "
                    + Precision.choices());
        }
        Autocast scope = new Autocast(precision);
        OPEN.get().push(scope);
        return scope;
    }

    /**
     * Opens a float32 scope inside an autocast one, for ops that must not be lowered.
     *
     * @return the scope, to close on the same thread
     */
    public static Autocast disable() {
        return enable(Precision.FP32);
    }

    /** {@return the precision of the innermost open scope on this thread; fp32 outside every scope} */
    public static Precision current() {
        Autocast top = OPEN.get().peek();
        return top == null ? Precision.FP32 : top.precision;
    }

    /** {@return the precision this scope was opened with} */
    public Precision precision() {
        return precision;
    }

    /**
     * The ops that ran while this scope was open (inner scopes included), each with the
     * precisions it ran in: bf16 or fp16 for a lowered op, fp32 otherwise.
     *
     * @return op name to precisions, sorted by name
     */
    public Map<String, Set<Precision>> opLog() {
        Map<String, Set<Precision>> out = new TreeMap<>();
        log.forEach((op, counts) -> out.put(op, Collections.unmodifiableSet(counts.keySet())));
        return Collections.unmodifiableMap(out);
    }

    /**
     * How many times {@code op} ran in {@code ran} while this scope was open.
     *
     * @param op the op's name, e.g. linear, conv2d, lstm, softmax, cross_entropy
     * @param ran the precision
     * @return the count, 0 if never
     */
    public long count(String op, Precision ran) {
        EnumMap<Precision, Long> counts = log.get(op);
        return counts == null ? 0 : counts.getOrDefault(ran, 0L);
    }

    /** Ends the scope; it must be this thread's innermost open one. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("autocast: a scope opened on " + owner.getName() + " was closed on "
                    + Thread.currentThread().getName());
        }
        if (OPEN.get().peek() != this) {
            throw new IllegalStateException("autocast: scopes must close innermost first");
        }
        OPEN.get().pop();
        closed = true;
    }

    /**
     * {@code t} as an operand of a lower-precision op in the current scope: a float32 copy rounded
     * to bf16 or fp16 (fp16 past its range becomes infinite), or {@code t} itself outside a
     * half-precision scope and for other dtypes. The copy's gradient goes into {@code t} rounded
     * to the same format, as the gradient of a 16-bit operand is before it is added to float32
     * (this is where fp16 gradients underflow without loss scaling).
     *
     * <p>Where operands are rounded for the float32 kernels; the GEMM ops on a backend with a
     * native half GEMM cast to real 16-bit tensors instead ({@code HalfGemmProducts}).
     *
     * @param t the operand, or null
     * @return the operand the op should compute with
     */
    public static Tensor operand(Tensor t) {
        Precision p = current();
        if (t == null || !p.isHalf() || t.dtype() != DType.FLOAT32) {
            return t;
        }
        Tensor rounded = t.newEmpty(t.shape());
        BackendRegistry.of(t).roundToHalf(p, t, rounded);
        return Autograd.record(rounded, "autocast_" + p.label(), g -> {
            Tensor dt = g.newEmpty(g.shape());
            BackendRegistry.of(g).roundToHalf(p, g, dt);
            return new Tensor[] {dt};
        }, t);
    }

    /**
     * Runs an op of the lower-precision list: under a bf16/fp16 scope on {@link #operand rounded}
     * operands (and in a float32 scope, so nothing inside is lowered twice), otherwise as is.
     *
     * @param op the op's name for the log
     * @param body the float32 op
     * @param operands its tensor operands (nulls allowed), in the order {@code body} takes them
     * @return the op's float32 result
     */
    static Tensor lowered(String op, Function<Tensor[], Tensor> body, Tensor... operands) {
        Precision p = current();
        logAll(op, p.isHalf() ? p : Precision.FP32);
        if (!p.isHalf()) {
            return body.apply(operands);
        }
        Tensor[] rounded = new Tensor[operands.length];
        for (int i = 0; i < operands.length; i++) {
            rounded[i] = operand(operands[i]);
        }
        try (Autocast inside = disable()) {
            return body.apply(rounded);
        }
    }

    /**
     * Runs a GEMM op of the lower-precision list (matmul, linear): as {@link #lowered}, except that
     * under a bf16/fp16 scope, on float32 operands of a backend with a
     * {@link GemmOps#hasNativeHalfGemm native half GEMM}, {@code halfBody} runs on them instead and
     * casts them to real 16-bit tensors itself.
     *
     * @param op the op's name for the log
     * @param body the float32 op, for the emulation
     * @param halfBody the op on 16-bit operands, given the precision and the float32 operands
     * @param operands its tensor operands (nulls allowed), the first one non-null
     * @return the op's float32 result
     */
    static Tensor loweredGemm(String op, Function<Tensor[], Tensor> body,
                              BiFunction<Precision, Tensor[], Tensor> halfBody, Tensor... operands) {
        Precision p = current();
        if (!p.isHalf() || !nativeHalfGemm(operands)) {
            return lowered(op, body, operands);
        }
        logAll(op, p);
        try (Autocast inside = disable()) {
            return halfBody.apply(p, operands);
        }
    }

    private static boolean nativeHalfGemm(Tensor[] operands) {
        for (Tensor t : operands) {
            if (t != null && t.dtype() != DType.FLOAT32) {
                return false;
            }
        }
        Backend be = BackendRegistry.of(operands[0]);
        boolean nativeHalf = be.hasNativeHalfGemm();
        if (LOGGED.add(be.name())) {
            LOG.log(System.Logger.Level.INFO, "autocast on " + be.name() + ": " + (nativeHalf
                    ? "matmul and linear on real 16-bit operands (native half GEMM, float32 accumulation)"
                    : "matmul and linear in float32 on operands rounded to 16 bits (emulation)"));
        }
        return nativeHalf;
    }

    /**
     * Notes that an op of the float32 list (softmax, losses, normalization) runs in float32 under
     * any scope; its inputs are float32 already, since lowered ops return float32.
     *
     * @param op the op's name for the log
     */
    static void keepsFloat32(String op) {
        if (!OPEN.get().isEmpty()) {
            logAll(op, Precision.FP32);
        }
    }

    private static void logAll(String op, Precision ran) {
        for (Autocast scope : OPEN.get()) {
            scope.log.computeIfAbsent(op, k -> new EnumMap<>(Precision.class)).merge(ran, 1L, Long::sum);
        }
    }
}
