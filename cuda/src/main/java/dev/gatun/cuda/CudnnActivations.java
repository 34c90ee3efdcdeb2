package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCudnn;
import static dev.gatun.cuda.CudnnConvolution.one;
import static dev.gatun.cuda.CudnnConvolution.seg;
import static dev.gatun.cuda.CudnnConvolution.zero;

import dev.gatun.backend.UnaryOp;
import dev.gatun.bindings.cudnn.cudnn_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumMap;
import java.util.Map;

/**
 * ReLU, sigmoid and tanh (forward and backward) and row-wise softmax and log-softmax (forward and
 * backward) through cuDNN. Element-wise ops see their dense array as one row [1, 1, 1, n];
 * softmax sees [rows, cols, 1, 1] in instance mode, so each row is normalized on its own, with
 * cuDNN's accurate (max-subtracted) algorithm. NaN propagates through ReLU, as on the CPU.
 * The other unary ops (exp, log, GELU, ...) run as PTX kernels (see {@link #covers}).
 */
final class CudnnActivations {
    private final CudaContext ctx;
    private final Map<UnaryOp, MemorySegment> descriptors = new EnumMap<>(UnaryOp.class);

    CudnnActivations(CudaContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Whether cuDNN can take a [rows, cols] softmax: its descriptors count elements in an int, so
     * larger ones (a 50k-word vocabulary over 64k rows, say) run as the PTX row kernels instead.
     */
    static boolean fits(int rows, int cols) {
        return (long) rows * cols <= Integer.MAX_VALUE;
    }

    /** Whether cuDNN has this op for n elements (the PTX kernels take the rest). */
    static boolean covers(UnaryOp op, long n) {
        return EXACT.contains(op) && n <= Integer.MAX_VALUE;
    }

    /**
     * The ops cuDNN computes exactly as our definitions. Its ELU and swish modes are left out:
     * their formulas and precision are not documented closely enough to match PyTorch's (ELU's
     * expm1, SiLU's gradient), so those run as PTX kernels with the rest.
     */
    private static final java.util.Set<UnaryOp> EXACT = java.util.EnumSet.of(UnaryOp.RELU, UnaryOp.SIGMOID,
            UnaryOp.TANH);

    /** y = f(x) over n dense floats. */
    void forward(UnaryOp op, long x, long y, long n) {
        MemorySegment d = row(n);
        try (Arena call = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnActivationForward(ctx.cudnn(), descriptor(op), one(call), d, seg(x), zero(call), d,
                    seg(y)), "cudnnActivationForward(" + op + ")");
        } finally {
            CudnnDescriptors.destroyTensor(d);
        }
    }

    /**
     * dx = dy·f'(·) over n dense floats; {@code known} is x for ReLU and y for sigmoid and tanh,
     * which is all each derivative needs (x > 0 exactly where ReLU's y > 0), so it stands in for both.
     */
    void backward(UnaryOp op, long known, long dy, long dx, long n) {
        MemorySegment d = row(n);
        try (Arena call = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnActivationBackward(ctx.cudnn(), descriptor(op), one(call), d, seg(known), d, seg(dy),
                    d, seg(known), zero(call), d, seg(dx)), "cudnnActivationBackward(" + op + ")");
        } finally {
            CudnnDescriptors.destroyTensor(d);
        }
    }

    /** Softmax (or log-softmax) of each row of a dense [rows, cols]. */
    void softmax(long x, long y, int rows, int cols, boolean log) {
        MemorySegment d = CudnnDescriptors.tensor4d(rows, cols, 1, 1);
        try (Arena call = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnSoftmaxForward(ctx.cudnn(), algorithm(log), cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                    one(call), d, seg(x), zero(call), d, seg(y)), "cudnnSoftmaxForward");
        } finally {
            CudnnDescriptors.destroyTensor(d);
        }
    }

    /** Gradient of {@link #softmax} from its output y and dy. */
    void softmaxBackward(long y, long dy, long dx, int rows, int cols, boolean log) {
        MemorySegment d = CudnnDescriptors.tensor4d(rows, cols, 1, 1);
        try (Arena call = Arena.ofConfined()) {
            checkCudnn(cudnn_h.cudnnSoftmaxBackward(ctx.cudnn(), algorithm(log), cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                    one(call), d, seg(y), d, seg(dy), zero(call), d, seg(dx)), "cudnnSoftmaxBackward");
        } finally {
            CudnnDescriptors.destroyTensor(d);
        }
    }

    private static int algorithm(boolean log) {
        return log ? cudnn_h.CUDNN_SOFTMAX_LOG() : cudnn_h.CUDNN_SOFTMAX_ACCURATE();
    }

    private static MemorySegment row(long n) {
        return CudnnDescriptors.tensor4d(1, 1, 1, Math.toIntExact(n));
    }

    private synchronized MemorySegment descriptor(UnaryOp op) {
        return descriptors.computeIfAbsent(op, o -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment p = call.allocate(ValueLayout.ADDRESS);
                checkCudnn(cudnn_h.cudnnCreateActivationDescriptor(p), "cudnnCreateActivationDescriptor");
                MemorySegment d = p.get(ValueLayout.ADDRESS, 0);
                int mode = switch (o) {
                    case RELU -> cudnn_h.CUDNN_ACTIVATION_RELU();
                    case SIGMOID -> cudnn_h.CUDNN_ACTIVATION_SIGMOID();
                    case TANH -> cudnn_h.CUDNN_ACTIVATION_TANH();
                    default -> throw new IllegalArgumentException("cuDNN has no activation for " + o);
                };
                checkCudnn(cudnn_h.cudnnSetActivationDescriptor(d, mode, cudnn_h.CUDNN_PROPAGATE_NAN(), 0.0),
                        "cudnnSetActivationDescriptor");
                return d;
            }
        });
    }
}
