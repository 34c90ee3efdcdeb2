package dev.gatun.device;

import static dev.gatun.device.PtxKernel.Type.F32;
import static dev.gatun.device.PtxKernel.Type.I32;
import static dev.gatun.device.PtxKernel.Type.I64;
import static dev.gatun.device.PtxKernel.Type.POINTER;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA kernels that cuBLAS and cuDNN lack, compiled to PTX by {@code make ptx} from
 * {@code kernels/src/main/cuda/*.cu} and committed under {@code dev/gatun/kernels/ptx/}, so that
 * running them needs a driver but no CUDA compiler. Each kernel matches the CPU kernel named in
 * its source's header bit for bit. The host computes the per-call constants (as the CPU kernels
 * do) and folds element offsets into the pointers.
 */
public final class PtxKernels {
    /** Where the PTX files are on the class path. */
    public static final String RESOURCE_DIR = "/dev/gatun/kernels/ptx/";

    /** dx = (probs - onehot(labels)) * scale over probs[rows, cols]. */
    public static final PtxKernel CROSS_ENTROPY_BACKWARD = kernel("cross_entropy_backward", "cross_entropy_backward",
            p("probs", POINTER), p("labels", POINTER), p("dx", POINTER), p("rows", I32), p("cols", I32),
            p("scale", F32));
    /** Adam / AdamW step; constants as in AdamStep. */
    public static final PtxKernel ADAM_STEP = kernel("adam_step", "adam_step",
            p("param", POINTER), p("grad", POINTER), p("m", POINTER), p("v", POINTER), p("n", I64),
            p("b1", F32), p("b2", F32), p("oneMinusB1", F32), p("oneMinusB2", F32), p("eps", F32), p("wd", F32),
            p("l2", I32), p("decay", I32), p("shrink", F32), p("stepSize", F32), p("sqrtBc2", F32));
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

    // ---- added for the CUDA backend: pooling and recurrent cells
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

    /** Every kernel, in source-file order. */
    public static final List<PtxKernel> ALL = List.of(CROSS_ENTROPY_BACKWARD, ADAM_STEP, SGD_STEP, RMSPROP_STEP,
            ADAGRAD_STEP, AXPBY, FILL, BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV,
            MAX_POOL2D, MAX_POOL2D_BACKWARD, AVG_POOL2D, AVG_POOL2D_BACKWARD, LSTM_CELL, LSTM_CELL_BACKWARD, GRU_CELL,
            GRU_CELL_BACKWARD);

    private PtxKernels() {}

    /** The distinct PTX files, each once, in {@link #ALL}'s order. */
    public static List<String> files() {
        return ALL.stream().map(PtxKernel::file).distinct().toList();
    }

    /** The kernel with PTX entry {@code entry}. */
    public static Optional<PtxKernel> find(String entry) {
        return ALL.stream().filter(k -> k.entry().equals(entry)).findFirst();
    }

    /** The text of {@code file}'s PTX; an IllegalArgumentException names a file that is not there. */
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

    private static PtxKernel kernel(String file, String entry, PtxKernel.Param... params) {
        return new PtxKernel(file, entry, List.of(params));
    }

    private static PtxKernel.Param p(String name, PtxKernel.Type type) {
        return new PtxKernel.Param(name, type);
    }
}
