package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * The ops every backend implements, on tensors whose outputs the caller has allocated, grouped by
 * family: {@link GemmOps}, {@link ElementwiseOps}, {@link ReductionOps}, {@link ConvolutionOps},
 * {@link PoolingOps}, {@link NormalizationOps}, {@link RecurrentCellOps}, {@link OptimizerOps}.
 *
 * <p>Backends do arithmetic only: no autograd, no allocation of results. Inputs may be strided
 * views unless a method says otherwise; outputs are contiguous. Float32 and float64 are
 * supported everywhere, int32 where a method says so; bfloat16 and float16 only in cast, copy,
 * fill and as gemm's A and B (the checks refuse them elsewhere, naming the op). The scalar backend
 * is the reference every other backend is tested against.
 *
 * <p><b>Checks.</b> Callers call an op by its name ({@code conv2d}); that default method checks
 * the arguments (shapes, dtypes, contiguous outputs; one checks class per family, the error
 * naming the op and the shapes) and calls the backend's {@code conv2dUnchecked}. A backend
 * implements the unchecked methods and never overrides the checking ones, so every backend, CUDA
 * included, runs the same checks once per call; what only one backend cannot do (CUDA: float64,
 * tensors on another device) it checks itself. {@code fill} takes any tensor and has no
 * checks.
 *
 * <p><b>The core.</b> A new backend implements these and inherits the rest:
 * <ul>
 *   <li>{@code name}, {@code description};</li>
 *   <li>gemm;</li>
 *   <li>cast (between float32, float64, bfloat16 and float16: {@link CastOps});</li>
 *   <li>binary, unary, unaryBackward, clamp, fill, copy, dropout;</li>
 *   <li>reduce, argmax;</li>
 *   <li>the three convolution ops, the four pooling ops, the three batch-norm ops and the four
 *       recurrent cell ops.</li>
 * </ul>
 * Composite ops have defaults built from the core, with temporaries: gemmAddRow (from fill,
 * binary and gemm), axpby (from binary),
 * softmax, softmaxBackward, crossEntropy and crossEntropyBackward (from reduce and the element-wise
 * ops), the four optimizer steps (from the element-wise ops) and {@link #fusedRecurrence} (steps
 * through gemm and the cell ops). A backend overrides the unchecked method of a composite it can
 * do faster; the CPU and CUDA backends override them all, except {@code roundToHalf} (autocast's
 * operand rounding), whose default casts into a 16-bit temporary and back on the tensors' device
 * (two cast kernels, no host copy) and which the CPU backend overrides with one pass.
 */
public interface Backend extends GemmOps, ElementwiseOps, ReductionOps, ConvolutionOps, PoolingOps, NormalizationOps,
        RecurrentCellOps, OptimizerOps,
        // Half precision: float dtype conversions.
        CastOps {
    /** {@return the short name {@code gatun.backend} selects this backend by: scalar, cpu, cuda} */
    String name();

    /** {@return one line for logs: the name plus what it runs on} */
    String description();

    /**
     * A whole single-direction recurrent layer in one call. The default steps through time with
     * {@link #gemm} and the cell ops; the CPU backend adds packed weights and threads, the CUDA
     * backend calls cuDNN.
     *
     * @return the recurrent-layer implementation of this backend
     */
    default FusedRecurrence fusedRecurrence() {
        return new SteppedRecurrence(this);
    }

    /**
     * {@link #roundToHalf} on checked arguments: a cast into a 16-bit temporary and back, on the
     * tensors' device.
     *
     * @param precision {@link Precision#BF16} or {@link Precision#FP16}
     * @param x the input, float32
     * @param y the output, float32 of x's shape; may be x
     */
    @Override
    default void roundToHalfUnchecked(Precision precision, Tensor x, Tensor y) {
        HalfRoundTrip.round(this, precision, x, y);
    }

    /**
     * {@link #gemmAddRow} on checked arguments: C zeroed, the row added to every row of it (a
     * broadcasting binary op), then gemm with beta = 1.
     *
     * @param transA whether op(A) is Aᵀ
     * @param transB whether op(B) is Bᵀ
     * @param alpha the factor of the product
     * @param a the 2-D matrix A
     * @param b the 2-D matrix B
     * @param row the vector added to every row of C
     * @param c the contiguous 2-D result C, overwritten
     */
    @Override
    default void gemmAddRowUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, Tensor row,
                                     Tensor c) {
        fill(c, 0);
        binaryUnchecked(BinaryOp.ADD, c, row, c);
        gemmUnchecked(transA, transB, alpha, a, b, 1, c);
    }

    /** {@return the device whose tensors this backend computes on: the host unless overridden} */
    default dev.gatun.tensor.Device device() {
        return dev.gatun.tensor.Device.CPU;
    }
}
