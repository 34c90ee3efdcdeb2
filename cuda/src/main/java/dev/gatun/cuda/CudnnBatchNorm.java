package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCudnn;
import static dev.gatun.cuda.CudnnConvolution.one;
import static dev.gatun.cuda.CudnnConvolution.seg;
import static dev.gatun.cuda.CudnnConvolution.zero;

import dev.gatun.bindings.cudnn.cudnn_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Batch normalization through cuDNN in spatial mode: statistics per channel over batch and
 * pixels. An input [N, C, d2, d3, ...] is described as [N, C, d2·d3·…, 1], which is the same
 * memory and the same per-channel reduction; [N, C] becomes [N, C, 1, 1]. cuDNN's definitions are
 * ours (Backend's contract was written after them): the saved inverse standard deviation is
 * 1/√(var + eps) of the biased batch variance, and the running variance is updated with the
 * unbiased one, with factor = momentum.
 */
final class CudnnBatchNorm {
    static final double SAVED_EPS = 1e-5;

    private final CudaContext ctx;

    CudnnBatchNorm(CudaContext ctx) {
        this.ctx = ctx;
    }

    void train(int[] shape, long x, long gamma, long beta, double eps, double momentum, long runningMeanOrZero,
               long runningVarOrZero, long y, long saveMean, long saveInvStd) {
        try (Arena call = Arena.ofConfined(); Descriptors d = new Descriptors(shape)) {
            checkCudnn(cudnn_h.cudnnBatchNormalizationForwardTraining(ctx.cudnn(), mode(), one(call), zero(call), d.x, seg(x),
                    d.x, seg(y), d.param, seg(gamma), seg(beta), momentum, seg(runningMeanOrZero), seg(runningVarOrZero),
                    eps, seg(saveMean), seg(saveInvStd)), "cudnnBatchNormalizationForwardTraining");
        }
    }

    void inference(int[] shape, long x, long gamma, long beta, long runningMean, long runningVar, double eps, long y) {
        try (Arena call = Arena.ofConfined(); Descriptors d = new Descriptors(shape)) {
            checkCudnn(cudnn_h.cudnnBatchNormalizationForwardInference(ctx.cudnn(), mode(), one(call), zero(call), d.x,
                    seg(x), d.x, seg(y), d.param, seg(gamma), seg(beta), seg(runningMean), seg(runningVar), eps),
                    "cudnnBatchNormalizationForwardInference");
        }
    }

    /**
     * Gradients from the saved batch statistics. cuDNN takes an epsilon here too but uses it only
     * when the saved statistics are absent, which they never are: {@link #SAVED_EPS} stands in.
     */
    void backward(int[] shape, long x, long gamma, long saveMean, long saveInvStd, long dy, long dx, long dgamma,
                  long dbeta) {
        try (Arena call = Arena.ofConfined(); Descriptors d = new Descriptors(shape)) {
            checkCudnn(cudnn_h.cudnnBatchNormalizationBackward(ctx.cudnn(), mode(), one(call), zero(call), one(call),
                    zero(call), d.x, seg(x), d.x, seg(dy), d.x, seg(dx), d.param, seg(gamma), seg(dgamma), seg(dbeta),
                    SAVED_EPS, seg(saveMean), seg(saveInvStd)), "cudnnBatchNormalizationBackward");
        }
    }

    private static int mode() {
        return cudnn_h.CUDNN_BATCHNORM_SPATIAL();
    }

    /** The input's descriptor and the derived per-channel parameter descriptor, destroyed together. */
    private static final class Descriptors implements AutoCloseable {
        final MemorySegment x;
        final MemorySegment param;

        Descriptors(int[] shape) {
            long rest = 1;
            for (int i = 2; i < shape.length; i++) {
                rest *= shape[i];
            }
            x = CudnnDescriptors.tensor4d(shape[0], shape[1], Math.toIntExact(rest), 1);
            try (Arena call = Arena.ofConfined()) {
                MemorySegment p = call.allocate(ValueLayout.ADDRESS);
                checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(p), "cudnnCreateTensorDescriptor");
                param = p.get(ValueLayout.ADDRESS, 0);
                checkCudnn(cudnn_h.cudnnDeriveBNTensorDescriptor(param, x, mode()), "cudnnDeriveBNTensorDescriptor");
            }
        }

        @Override
        public void close() {
            CudnnDescriptors.destroyTensor(param);
            CudnnDescriptors.destroyTensor(x);
        }
    }
}
