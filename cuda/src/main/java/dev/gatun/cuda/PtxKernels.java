package dev.gatun.cuda;

import static dev.gatun.cuda.PtxKernel.Type.F32;
import static dev.gatun.cuda.PtxKernel.Type.F64;
import static dev.gatun.cuda.PtxKernel.Type.I32;
import static dev.gatun.cuda.PtxKernel.Type.I64;
import static dev.gatun.cuda.PtxKernel.Type.POINTER;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA kernels that cuBLAS and cuDNN lack, compiled to PTX by {@code make ptx} from
 * {@code cuda/src/main/cuda/*.cu} and committed under {@code dev/gatun/cuda/ptx/}, so that
 * running them needs a driver but no CUDA compiler. Each kernel matches the CPU code named in its
 * source's header bit for bit, or, where float32 transcendentals or summation order differ, within
 * the tolerance that header states. The host computes the per-call constants (as the CPU kernels
 * do) and folds element offsets into the pointers.
 */
public final class PtxKernels {
    /** Where the PTX files are on the class path. */
    public static final String RESOURCE_DIR = "/dev/gatun/cuda/ptx/";

    /** dx = (probs - onehot(labels)) * scale over probs[rows, cols]. */
    public static final PtxKernel CROSS_ENTROPY_BACKWARD = kernel("cross_entropy_backward", "cross_entropy_backward",
            p("probs", POINTER), p("labels", POINTER), p("dx", POINTER), p("rows", I32), p("cols", I32),
            p("scale", F32));
    /** Adam / AdamW step; constants as in AdamStep. */
    public static final PtxKernel ADAM_STEP = kernel("adam_step", "adam_step",
            p("param", POINTER), p("grad", POINTER), p("m", POINTER), p("v", POINTER), p("n", I64),
            p("b1", F32), p("b2", F32), p("oneMinusB1", F32), p("oneMinusB2", F32), p("eps", F32), p("wd", F32),
            p("l2", I32), p("decay", I32), p("shrink", F32), p("stepSize", F32), p("sqrtBc2", F32));
    /** Adam / AdamW step reading the step number from device memory; stepSize and sqrtBc2 computed on the device. */
    public static final PtxKernel ADAM_STEP_COUNTED = kernel("adam_step", "adam_step_counted",
            p("param", POINTER), p("grad", POINTER), p("m", POINTER), p("v", POINTER), p("n", I64),
            p("b1", F32), p("b2", F32), p("oneMinusB1", F32), p("oneMinusB2", F32), p("eps", F32), p("wd", F32),
            p("l2", I32), p("decay", I32), p("shrink", F32), p("step", POINTER), p("lr", F64), p("beta1", F64),
            p("beta2", F64));
    /** SGD with momentum, Nesterov and weight decay. */
    public static final PtxKernel SGD_STEP = kernel("sgd_step", "sgd_step",
            p("param", POINTER), p("grad", POINTER), p("buf", POINTER), p("n", I64), p("lr", F32),
            p("momentum", F32), p("undamped", F32), p("wd", F32), p("nesterov", I32), p("firstStep", I32));
    /** RMSprop, optionally centered and with momentum. */
    public static final PtxKernel RMSPROP_STEP = kernel("rmsprop_step", "rmsprop_step",
            p("param", POINTER), p("grad", POINTER), p("sq", POINTER), p("buf", POINTER), p("gavg", POINTER),
            p("n", I64), p("lr", F32), p("alpha", F32), p("oneMinusAlpha", F32), p("eps", F32), p("wd", F32),
            p("momentum", F32), p("centered", I32));
    /** Adagrad with the decayed rate clr computed by the host. */
    public static final PtxKernel ADAGRAD_STEP = kernel("adagrad_step", "adagrad_step",
            p("param", POINTER), p("grad", POINTER), p("sum", POINTER), p("n", I64), p("clr", F32), p("wd", F32),
            p("eps", F32));
    /** y = alpha * x + beta * y; y is not read when beta == 0. */
    public static final PtxKernel AXPBY = kernel("scale", "axpby",
            p("alpha", F32), p("x", POINTER), p("beta", F32), p("y", POINTER), p("n", I64));
    /** y = value. */
    public static final PtxKernel FILL = kernel("scale", "fill", p("y", POINTER), p("n", I64), p("value", F32));
    /** out = a + b with 4-D broadcasting strides. */
    public static final PtxKernel BINARY_ADD = broadcast("binary_add");
    /** out = a - b with 4-D broadcasting strides. */
    public static final PtxKernel BINARY_SUB = broadcast("binary_sub");
    /** out = a * b with 4-D broadcasting strides. */
    public static final PtxKernel BINARY_MUL = broadcast("binary_mul");
    /** out = a / b with 4-D broadcasting strides. */
    public static final PtxKernel BINARY_DIV = broadcast("binary_div");

    // ---- Pooling and recurrent cells
    /**
     * Max pooling of contiguous NCHW planes (planes = batch·channels); argmax (int32, y's shape)
     * = h·inW + w of each window's first maximum; NaN wins (MaxPool's scan rule).
     */
    public static final PtxKernel MAX_POOL2D = kernel("pool", "max_pool2d",
            p("x", POINTER), p("y", POINTER), p("argmax", POINTER), p("planes", I64), p("inH", I32), p("inW", I32),
            p("outH", I32), p("outW", I32), p("kH", I32), p("kW", I32), p("sH", I32), p("sW", I32), p("pH", I32),
            p("pW", I32));
    /**
     * dx = dy gathered from the cells whose argmax points at each input element; dx is overwritten
     * (no zeroing needed). The window geometry bounds each element's search.
     */
    public static final PtxKernel MAX_POOL2D_BACKWARD = kernel("pool", "max_pool2d_backward",
            p("dy", POINTER), p("argmax", POINTER), p("dx", POINTER), p("planes", I64), p("inH", I32), p("inW", I32),
            p("outH", I32), p("outW", I32), p("kH", I32), p("kW", I32), p("sH", I32), p("sW", I32), p("pH", I32),
            p("pW", I32));
    /** Average pooling; the divisor is kH·kW when countIncludePad, else the input elements in the window. */
    public static final PtxKernel AVG_POOL2D = kernel("pool", "avg_pool2d",
            p("x", POINTER), p("y", POINTER), p("planes", I64), p("inH", I32), p("inW", I32), p("outH", I32),
            p("outW", I32), p("kH", I32), p("kW", I32), p("sH", I32), p("sW", I32), p("pH", I32), p("pW", I32),
            p("countIncludePad", I32));
    /** Gradient of AVG_POOL2D, gathered per input element; dx is overwritten. */
    public static final PtxKernel AVG_POOL2D_BACKWARD = kernel("pool", "avg_pool2d_backward",
            p("dy", POINTER), p("dx", POINTER), p("planes", I64), p("inH", I32), p("inW", I32), p("outH", I32),
            p("outW", I32), p("kH", I32), p("kW", I32), p("sH", I32), p("sW", I32), p("pH", I32), p("pW", I32),
            p("countIncludePad", I32));
    /** LSTM step: gates [B, 4H] (i f g o) activated in place, c = f·cPrev + i·g, h = o·tanh(c). */
    public static final PtxKernel LSTM_CELL = kernel("lstm_cell", "lstm_cell",
            p("gates", POINTER), p("cPrev", POINTER), p("c", POINTER), p("h", POINTER), p("batch", I32),
            p("hidden", I32));
    /** LSTM step backward to dGates [B, 4H] and dcPrev [B, H]; dc may be 0 (no gradient from a later step). */
    public static final PtxKernel LSTM_CELL_BACKWARD = kernel("lstm_cell", "lstm_cell_backward",
            p("gates", POINTER), p("cPrev", POINTER), p("c", POINTER), p("dh", POINTER), p("dc", POINTER),
            p("dGates", POINTER), p("dcPrev", POINTER), p("batch", I32), p("hidden", I32));
    /** GRU step (r z n): h [B, H] and saved [B, 4H] = r, z, n, hn from xg, hg [B, 3H] and hPrev. */
    public static final PtxKernel GRU_CELL = kernel("gru_cell", "gru_cell",
            p("xg", POINTER), p("hg", POINTER), p("hPrev", POINTER), p("h", POINTER), p("saved", POINTER),
            p("batch", I32), p("hidden", I32));
    /** GRU step backward to dxg, dhg [B, 3H] and dhPrev [B, H] (the direct path z·dh only). */
    public static final PtxKernel GRU_CELL_BACKWARD = kernel("gru_cell", "gru_cell_backward",
            p("saved", POINTER), p("hPrev", POINTER), p("dh", POINTER), p("dxg", POINTER), p("dhg", POINTER),
            p("dhPrev", POINTER), p("batch", I32), p("hidden", I32));


    // ---- Elementwise, reductions, softmax, copy, dropout
    // Elementwise kernels loop grid-stride (any launch). The row and reduce kernels take any block
    // size in [1, 1024] and any grid; the launch that suits each is in its .cu header.

    /**
     * y = f(x; param) for op = UnaryOp.code() (an unknown code traps); param is the op's
     * parameter (leaky ReLU's slope, ELU's alpha), ignored by the others; y may alias x.
     */
    public static final PtxKernel UNARY_FORWARD = kernel("unary", "unary_forward",
            p("op", I32), p("param", F32), p("x", POINTER), p("y", POINTER), p("n", I64));
    /**
     * dx = dy * f'(x, y; param); y (SIGMOID, TANH, EXP: UnaryOp.backwardUsesOutput) or x (the
     * others) may be 0 when the op does not read it.
     */
    public static final PtxKernel UNARY_BACKWARD = kernel("unary", "unary_backward",
            p("op", I32), p("param", F32), p("x", POINTER), p("y", POINTER), p("dy", POINTER), p("dx", POINTER),
            p("n", I64));
    /** y = min(max(x, lo), hi) as Math.min/Math.max (NaN stays NaN); the host checks lo &lt;= hi. */
    public static final PtxKernel CLAMP = kernel("unary", "clamp",
            p("x", POINTER), p("y", POINTER), p("n", I64), p("lo", F32), p("hi", F32));
    /**
     * Strided 32-bit copy over a shape of rank at most 8 (s0..s7, unused dims ignored) with source
     * strides a0..a7 and destination strides b0..b7 in elements; mode 0 copies the bits, 1 converts
     * float32 to int32 as Java's (int), 2 int32 to float32.
     */
    public static final PtxKernel COPY_STRIDED = copyStrided();
    /** COPY_STRIDED for 16-bit elements (bfloat16, float16), bits unchanged: no mode parameter. */
    public static final PtxKernel COPY_STRIDED_16 = copyStrided16();
    /** y[o, i] = sum over k of x[o, k, i] for contiguous x[outer, axis, inner]. */
    public static final PtxKernel REDUCE_SUM = kernel("reduce", "reduce_sum",
            p("x", POINTER), p("y", POINTER), p("outer", I64), p("axis", I32), p("inner", I64));
    /** y = max over the axis (NaN largest), arg (int32, may be 0) = index of the first maximum. */
    public static final PtxKernel REDUCE_MAX = kernel("reduce", "reduce_max",
            p("x", POINTER), p("y", POINTER), p("arg", POINTER), p("outer", I64), p("axis", I32), p("inner", I64));
    /** Row-wise softmax, or log-softmax when log is true, over contiguous x[rows, cols]. */
    public static final PtxKernel SOFTMAX_ROWS = kernel("softmax", "softmax_rows",
            p("x", POINTER), p("y", POINTER), p("rows", I32), p("cols", I32), p("log", I32));
    /** Gradient of SOFTMAX_ROWS given its output y and dy. */
    public static final PtxKernel SOFTMAX_BACKWARD_ROWS = kernel("softmax", "softmax_backward_rows",
            p("y", POINTER), p("dy", POINTER), p("dx", POINTER), p("rows", I32), p("cols", I32), p("log", I32));
    /**
     * probs = softmax(logits) and rowLoss[r] = -log probs[r, label[r]] (via log-sum-exp); a label
     * outside [0, cols) gives rowLoss NaN and atomicMax(badRow, r): fill *badRow with -1 first.
     */
    public static final PtxKernel CROSS_ENTROPY_FORWARD = kernel("cross_entropy", "cross_entropy_forward",
            p("logits", POINTER), p("labels", POINTER), p("probs", POINTER), p("rowLoss", POINTER),
            p("badRow", POINTER), p("rows", I32), p("cols", I32));
    /** out[r] = index of the first maximum of row r, with ScalarBackend.argmax's NaN rule. */
    public static final PtxKernel ARGMAX_ROWS = kernel("argmax", "argmax_rows",
            p("x", POINTER), p("out", POINTER), p("rows", I32), p("cols", I32));
    /**
     * Dropout's mask and y = x * mask from (seed, element index); the host passes the float p's
     * threshold = (int) Math.ceil(p * 16777216.0) and scale = (float) (1.0 / (1.0 - p)).
     */
    public static final PtxKernel DROPOUT = kernel("dropout", "dropout",
            p("x", POINTER), p("mask", POINTER), p("y", POINTER), p("n", I64), p("threshold", I32), p("scale", F32),
            p("seed", I64));

    /**
     * dst = src converted between float32, bfloat16 and float16 (codes 0, 1, 2), contiguous arrays of
     * n elements; rounds to nearest even, NaN bits as HalfBits gives them.
     */
    public static final PtxKernel CAST = kernel("cast", "cast",
            p("src", POINTER), p("srcType", I32), p("dst", POINTER), p("dstType", I32), p("n", I64));

    /** Every kernel, in source-file order. */
    public static final List<PtxKernel> ALL = List.of(CROSS_ENTROPY_BACKWARD, ADAM_STEP, ADAM_STEP_COUNTED, SGD_STEP, RMSPROP_STEP,
            ADAGRAD_STEP, AXPBY, FILL, BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV,
            MAX_POOL2D, MAX_POOL2D_BACKWARD, AVG_POOL2D, AVG_POOL2D_BACKWARD, LSTM_CELL, LSTM_CELL_BACKWARD, GRU_CELL,
            GRU_CELL_BACKWARD, UNARY_FORWARD, UNARY_BACKWARD, CLAMP, COPY_STRIDED, REDUCE_SUM, REDUCE_MAX, SOFTMAX_ROWS,
            SOFTMAX_BACKWARD_ROWS, CROSS_ENTROPY_FORWARD, ARGMAX_ROWS, DROPOUT,
            // Half precision.
            COPY_STRIDED_16, CAST);

    private PtxKernels() {}

    /** {@return the distinct PTX files, each once, in {@link #ALL}'s order} */
    public static List<String> files() {
        return ALL.stream().map(PtxKernel::file).distinct().toList();
    }

    /**
     * The kernel with PTX entry {@code entry}.
     *
     * @param entry the PTX {@code .entry} name
     * @return the kernel, or empty when no kernel has that entry
     */
    public static Optional<PtxKernel> find(String entry) {
        return ALL.stream().filter(k -> k.entry().equals(entry)).findFirst();
    }

    /**
     * The text of {@code file}'s PTX; an IllegalArgumentException names a file that is not there.
     *
     * @param file the PTX file's base name, as in {@link PtxKernel#file()}
     * @return the PTX text
     */
    public static String ptx(String file) {
        String resource = RESOURCE_DIR + file + ".ptx";
        try (InputStream in = PtxKernels.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no PTX resource " + resource + " on the class path (run `make ptx`)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    private static PtxKernel broadcast(String entry) {
        List<PtxKernel.Param> params = new ArrayList<>(List.of(p("a", POINTER), p("b", POINTER), p("out", POINTER)));
        for (String prefix : List.of("d", "as", "bs")) {
            for (int i = 0; i < 4; i++) {
                params.add(p(prefix + i, I64));
            }
        }
        return new PtxKernel("binary_broadcast", entry, params);
    }

    private static PtxKernel copyStrided() {
        List<PtxKernel.Param> params = new ArrayList<>(List.of(p("src", POINTER), p("dst", POINTER), p("n", I64),
                p("rank", I32), p("mode", I32)));
        for (String prefix : List.of("s", "a", "b")) {
            for (int i = 0; i < 8; i++) {
                params.add(p(prefix + i, I64));
            }
        }
        return new PtxKernel("copy", "copy_strided", params);
    }

    private static PtxKernel copyStrided16() {
        List<PtxKernel.Param> params = new ArrayList<>(List.of(p("src", POINTER), p("dst", POINTER), p("n", I64),
                p("rank", I32)));
        for (String prefix : List.of("s", "a", "b")) {
            for (int i = 0; i < 8; i++) {
                params.add(p(prefix + i, I64));
            }
        }
        return new PtxKernel("copy", "copy_strided_16", params);
    }

    private static PtxKernel kernel(String file, String entry, PtxKernel.Param... params) {
        return new PtxKernel(file, entry, List.of(params));
    }

    private static PtxKernel.Param p(String name, PtxKernel.Type type) {
        return new PtxKernel.Param(name, type);
    }
}
