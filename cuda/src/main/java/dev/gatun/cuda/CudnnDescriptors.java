package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCudnn;

import dev.gatun.bindings.cudnn.cudnn_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** cuDNN tensor descriptors for dense NCHW float32 arrays. */
final class CudnnDescriptors {
    private CudnnDescriptors() {}

    /** A new descriptor of a dense [n, c, h, w] float32 array; the caller keeps or destroys it. */
    static MemorySegment tensor4d(int n, int c, int h, int w) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = call.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateTensorDescriptor(p), "cudnnCreateTensorDescriptor");
            MemorySegment d = p.get(ValueLayout.ADDRESS, 0);
            checkCudnn(cudnn_h.cudnnSetTensor4dDescriptor(d, cudnn_h.CUDNN_TENSOR_NCHW(), cudnn_h.CUDNN_DATA_FLOAT(),
                    n, c, h, w), "cudnnSetTensor4dDescriptor");
            return d;
        }
    }

    static void destroyTensor(MemorySegment d) {
        checkCudnn(cudnn_h.cudnnDestroyTensorDescriptor(d), "cudnnDestroyTensorDescriptor");
    }
}
