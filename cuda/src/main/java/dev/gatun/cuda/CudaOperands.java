package dev.gatun.cuda;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Tensor;
import dev.gatun.tensor.internal.TensorInternals;

/**
 * Turns tensors into the device addresses the CUDA backend passes to cuBLAS, cuDNN and its
 * kernels, after checking that each is on the backend's device and of a dtype it computes in
 * (float32, and int32 for labels and indices). Strided inputs are copied to contiguous
 * temporaries in the current scope, since the kernels take dense arrays.
 */
final class CudaOperands {
    private final Device device;
    private final CudaBackend backend;

    CudaOperands(Device device, CudaBackend backend) {
        this.device = device;
        this.backend = backend;
    }

    /** The address of t's first element; t must be on this device, float32 or int32. */
    long ptr(String op, Tensor t) {
        check(op, t);
        return TensorInternals.deviceAddress(t) + t.offset() * t.dtype().byteSize();
    }

    /** The address of t's elements in row-major order: t itself when contiguous, else a dense copy. */
    long dense(String op, Tensor t) {
        return ptr(op, contiguous(op, t));
    }

    /** t when contiguous, else a contiguous copy in the current scope. */
    Tensor contiguous(String op, Tensor t) {
        check(op, t);
        if (t.isContiguous()) {
            return t;
        }
        Tensor c = Tensor.empty(device, t.dtype(), t.shape());
        backend.copy(t, c);
        return c;
    }

    /** An output: on this device and contiguous (ops write dense results). */
    long out(String op, Tensor t) {
        check(op, t);
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": output " + t.describe() + " must be contiguous");
        }
        return ptr(op, t);
    }

    void check(String op, Tensor t) {
        if (!t.device().equals(device)) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is on " + t.device()
                    + " but the cuda backend runs on " + device + "; move it with to(Device.parse(\"" + device + "\"))");
        }
    }

    /** Requires float32 (op names the operation in the message). */
    static void requireFloat(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException(op + ": expected float32, got " + t.describe());
            }
        }
    }
}
