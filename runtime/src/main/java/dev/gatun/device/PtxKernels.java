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

    /** Every kernel, in source-file order. */
    public static final List<PtxKernel> ALL = List.of(CROSS_ENTROPY_BACKWARD, ADAM_STEP, SGD_STEP, RMSPROP_STEP,
            ADAGRAD_STEP, AXPBY, FILL, BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV);

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
