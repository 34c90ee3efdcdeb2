package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCublas;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.backend.FusedRecurrence;
import dev.gatun.backend.Pool2dGeometry;
import dev.gatun.backend.ReduceOp;
import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.backend.operand.AxisSplit;
import dev.gatun.backend.operand.BroadcastStrides;
import dev.gatun.backend.operand.ClassLabels;
import dev.gatun.backend.operand.MatrixLayout;
import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.cublas.cublas_h;
import dev.gatun.kernels.optim.AdagradStep;
import dev.gatun.kernels.optim.AdamStep;
import dev.gatun.kernels.optim.RmspropStep;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The backend for tensors on a CUDA device: GEMM through cuBLAS; convolution, batch norm,
 * ReLU/sigmoid/tanh, softmax and whole recurrent layers through cuDNN; everything else through the
 * PTX kernels in {@link PtxKernels} (pooling keeps the argmax indices the SPI hands back, and
 * dropout draws the CPU's masks bit for bit, which cuDNN's pooling and dropout cannot). Every call is
 * queued on the device's one stream ({@link CudaContext}); host code sees results through
 * copies, which wait. It computes in float32 (int32 for labels and indices) and refuses float64
 * with an error that names the op. Shapes are checked by the SPI's entry points, as for every backend.
 *
 * <p>{@code -Dgatun.cuda.tf32=true} lets cuBLAS and cuDNN use TF32 tensor cores for float32
 * GEMM and convolution (inputs rounded to 10 mantissa bits, several times faster on Ampere and
 * newer); the default is true float32, which matches the CPU backends to float32 rounding.
 */
public final class CudaBackend implements Backend {
    /** System property that allows TF32 tensor-core math. */
    public static final String TF32_PROPERTY = "gatun.cuda.tf32";
    // cublasMath_t CUBLAS_TF32_TENSOR_OP_MATH from cublas_api.h; jextract keeps only the values
    // the args file names, and this one is written down here, next to its only use.
    private static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;

    private final Device device;
    private final CudaContext ctx;
    private final CudaOperands operands;
    private final CudnnConvolution convolution;
    private final CudnnBatchNorm batchNorm;
    private final CudnnRecurrence recurrence;
    private final CudnnActivations activations;
    private final boolean tf32;

    /** The backend of CUDA device 0. */
    public CudaBackend() {
        this(0);
    }

    /**
     * The backend of CUDA device {@code index}, TF32 as {@value #TF32_PROPERTY} says; throws
     * {@link dev.gatun.bindings.NoGpuException} without a GPU.
     *
     * @param index the CUDA device number, 0-based
     */
    public CudaBackend(int index) {
        this(index, Boolean.getBoolean(TF32_PROPERTY));
    }

    /**
     * The backend of CUDA device {@code index}, with TF32 tensor-core math allowed or not.
     *
     * @param index the CUDA device number, 0-based
     * @param tf32 whether float32 matrix products may use TF32 tensor-core math
     */
    public CudaBackend(int index, boolean tf32) {
        this.ctx = CudaContext.of(index);
        this.device = Device.cuda(index);
        this.operands = new CudaOperands(device, this);
        this.tf32 = tf32;
        this.convolution = new CudnnConvolution(ctx, tf32);
        this.batchNorm = new CudnnBatchNorm(ctx);
        this.recurrence = new CudnnRecurrence(ctx, this, tf32);
        this.activations = new CudnnActivations(ctx);
    }

    /** cuDNN's RNN API runs whole float32 layers; see {@link CudnnRecurrence}. */
    @Override
    public FusedRecurrence fusedRecurrence() {
        return recurrence;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return "cuda (" + device + ": cuBLAS + cuDNN + PTX kernels, " + (tf32 ? "TF32" : "float32") + " math; "
                + CudaLibraries.get().library(CudaLibrary.CUDNN).describe() + ")";
    }

    /** {@return the device's context (memory, allocator, stream)} */
    public CudaContext context() {
        return ctx;
    }

    // ---- GEMM -------------------------------------------------------------------------------

    /** cublasGemmEx multiplies bfloat16 and float16 on the tensor cores with float32 accumulation. */
    @Override
    public boolean hasNativeHalfGemm() {
        return true;
    }

    @Override
    public void gemmUnchecked(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        // Half A and B (one dtype, checked by GemmChecks) multiply through cublasGemmEx into float32 C.
        boolean half = a.dtype().isHalf();
        CudaOperands.requireFloat("gemm", half ? null : a, half ? null : b, c);
        long pc = operands.out("gemm", c);
        Tensor da = MatrixLayout.of(a) == null ? operands.contiguous("gemm", a) : a;
        Tensor db = MatrixLayout.of(b) == null ? operands.contiguous("gemm", b) : b;
        MatrixLayout la = MatrixLayout.of(da);
        MatrixLayout lb = MatrixLayout.of(db);
        boolean ta = transA ^ la.transposed();
        boolean tb = transB ^ lb.transposed();
        int m = c.dim(0), n = c.dim(1), k = transA ? a.dim(0) : a.dim(1);
        if (m == 0 || n == 0) {
            return;
        }
        // Row-major <-> column-major, written down once: cuBLAS reads a row-major [r, c] matrix with
        // leading dimension ld as the column-major [c, r] matrix, its transpose. So the row-major
        // C[m, n] = op(A)·op(B) is computed as the column-major Cᵀ[n, m] = op(B)ᵀ·op(A)ᵀ: swap the
        // operands (B first), swap m and n, keep each operand's own transpose flag, ldc = n.
        try (Arena call = Arena.ofConfined()) {
          synchronized (ctx.select()) {
            // The handle is the device's, shared by every backend instance: set this one's math
            // mode on each call (a host-side flag, no device work), under the context's lock.
            checkCublas(cublas_h.cublasSetMathMode(ctx.cublas(), tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                    : cublas_h.CUBLAS_DEFAULT_MATH()), "cublasSetMathMode");
            int opB = tb ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N();
            int opA = ta ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N();
            MemorySegment alphaF = call.allocateFrom(ValueLayout.JAVA_FLOAT, (float) alpha);
            MemorySegment betaF = call.allocateFrom(ValueLayout.JAVA_FLOAT, (float) beta);
            if (half) {
                // Float32 accumulation (CUBLAS_COMPUTE_32F) on the tensor cores, whatever the math mode.
                int type = a.dtype() == DType.BFLOAT16 ? cublas_h.CUDA_R_16BF() : cublas_h.CUDA_R_16F();
                checkCublas(cublas_h.cublasGemmEx(ctx.cublas(), opB, opA, n, m, k, alphaF, seg(operands.ptr("gemm", db)),
                        type, lb.ld(), seg(operands.ptr("gemm", da)), type, la.ld(), betaF, seg(pc), cublas_h.CUDA_R_32F(),
                        Math.max(n, 1), cublas_h.CUBLAS_COMPUTE_32F(), cublas_h.CUBLAS_GEMM_DEFAULT()), "cublasGemmEx");
            } else {
                checkCublas(cublas_h.cublasSgemm_v2(ctx.cublas(), opB, opA, n, m, k, alphaF,
                        seg(operands.ptr("gemm", db)), lb.ld(), seg(operands.ptr("gemm", da)), la.ld(), betaF, seg(pc),
                        Math.max(n, 1)), "cublasSgemm_v2");
            }
          }
        }
    }

    // ---- element-wise -------------------------------------------------------------------------

    @Override
    public void binaryUnchecked(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        CudaOperands.requireFloat("binary", a, b, out);
        int[] target = out.shape();
        long po = operands.out("binary", out);
        long[] as = BroadcastStrides.of(a, target);
        long[] bs = BroadcastStrides.of(b, target);
        long[][] dims = BroadcastStrides.collapse(target, as, bs, 4);
        if (dims == null) {
            // More than 4 dimensions that do not merge: spell both operands out densely at the
            // output's shape (strided copies), after which the whole op is one flat run.
            try (Scope s = Scope.open("binary, densely")) {
                Tensor da = Tensor.empty(device, a.dtype(), target);
                Tensor db = Tensor.empty(device, b.dtype(), target);
                copy(a.view(target, as, a.offset()), da);
                copy(b.view(target, bs, b.offset()), db);
                binary(op, da, db, out);
            }
            return;
        }
        long[] d = dims[0], sa = dims[1], sb = dims[2];
        PtxKernel k = switch (op) {
            case ADD -> PtxKernels.BINARY_ADD;
            case SUB -> PtxKernels.BINARY_SUB;
            case MUL -> PtxKernels.BINARY_MUL;
            case DIV -> PtxKernels.BINARY_DIV;
        };
        if (out.size() == 0) {
            return;
        }
        ctx.launch(k, out.size(), operands.ptr("binary", a), operands.ptr("binary", b), po, d[0], d[1], d[2], d[3],
                sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3]);
    }

    @Override
    public void unaryUnchecked(UnaryFn f, Tensor x, Tensor y) {
        UnaryOp op = f.op();
        CudaOperands.requireFloat("unary " + op, x, y);
        long py = operands.out("unary", y);
        if (y.size() == 0) {
            return;
        }
        long px = operands.dense("unary", x);
        if (CudnnActivations.covers(op, y.size())) {
            synchronized (ctx.select()) {
                activations.forward(op, px, py, y.size());
            }
        } else {
            ctx.launch(PtxKernels.UNARY_FORWARD, y.size(), op.code(), (float) f.parameter(), px, py, y.size());
        }
    }

    @Override
    public void unaryBackwardUnchecked(UnaryFn f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        UnaryOp op = f.op();
        CudaOperands.requireFloat("unaryBackward " + op, x, y, dy, dx);
        long pdx = operands.out("unaryBackward", dx);
        if (dx.size() > 0) {
            long px = op.backwardUsesOutput() ? 0 : operands.dense("unaryBackward", x);
            long py = op.backwardUsesOutput() ? operands.dense("unaryBackward", y) : 0;
            long pdy = operands.dense("unaryBackward", dy);
            if (CudnnActivations.covers(op, dx.size())) {
                synchronized (ctx.select()) {
                    activations.backward(op, op.backwardUsesOutput() ? py : px, pdy, pdx, dx.size());
                }
            } else {
                ctx.launch(PtxKernels.UNARY_BACKWARD, dx.size(), op.code(), (float) f.parameter(), px, py, pdy, pdx,
                        dx.size());
            }
        }
    }

    @Override
    public void reduceUnchecked(ReduceOp op, Tensor x, int axis, Tensor y, Tensor argOrNull) {
        CudaOperands.requireFloat("reduce", x, y);
        long py = operands.out("reduce", y);
        AxisSplit split = AxisSplit.of(x, axis);
        long px = operands.dense("reduce", x);
        long work = (long) split.outer() * split.inner();
        if (work == 0) {
            return;
        }
        // reduce.cu picks its layout from (axis, inner); this grid suits all three of them.
        int blocks = (int) Math.min((long) split.outer() * ((split.inner() + 31) / 32), 65535);
        if (op == ReduceOp.SUM) {
            ctx.launchGrid(PtxKernels.REDUCE_SUM, blocks, 256, px, py, (long) split.outer(), split.len(),
                    (long) split.inner());
        } else {
            long parg = argOrNull == null ? 0 : operands.out("reduce", argOrNull);
            ctx.launchGrid(PtxKernels.REDUCE_MAX, blocks, 256, px, py, parg, (long) split.outer(), split.len(),
                    (long) split.inner());
        }
    }

    @Override
    public void softmaxUnchecked(Tensor x, Tensor y, boolean log) {
        CudaOperands.requireFloat("softmax", x, y);
        long py = operands.out("softmax", y);
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : Math.toIntExact(x.size() / cols);
        if (rows == 0) {
            return;
        }
        long px = operands.dense("softmax", x);
        if (CudnnActivations.fits(rows, cols)) {
            synchronized (ctx.select()) {
                activations.softmax(px, py, rows, cols, log);
            }
        } else {
            ctx.launchGrid(PtxKernels.SOFTMAX_ROWS, rowBlocks(rows), rowThreads(cols), px, py, rows, cols, log);
        }
    }

    @Override
    public void softmaxBackwardUnchecked(Tensor y, Tensor dy, Tensor dx, boolean log) {
        CudaOperands.requireFloat("softmaxBackward", y, dy, dx);
        long pdx = operands.out("softmaxBackward", dx);
        int cols = y.dim(-1);
        int rows = cols == 0 ? 0 : Math.toIntExact(y.size() / cols);
        if (rows > 0) {
            long py = operands.dense("softmaxBackward", y);
            long pdy = operands.dense("softmaxBackward", dy);
            if (CudnnActivations.fits(rows, cols)) {
                synchronized (ctx.select()) {
                    activations.softmaxBackward(py, pdy, pdx, rows, cols, log);
                }
            } else {
                ctx.launchGrid(PtxKernels.SOFTMAX_BACKWARD_ROWS, rowBlocks(rows), rowThreads(cols), py, pdy, pdx, rows,
                        cols, log);
            }
        }
    }

    /**
     * The mean loss stays on the device: the rows' losses are summed by the reduction kernel and
     * scaled there, so a graph capture can hold it. Out-of-range labels are not reported here
     * (reading the kernel's flag is a host synchronization); the eager steps before a capture check them.
     */
    @Override
    public void crossEntropyMeanUnchecked(Tensor logits, Tensor labels, Tensor probs, Tensor loss) {
        CudaOperands.requireFloat("cross-entropy", logits, probs, loss);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        try (Scope s = Scope.open("cross-entropy")) {
            Tensor rowLoss = Tensor.empty(device, DType.FLOAT32, rows);
            Tensor badRow = Tensor.empty(device, DType.INT32, 1);
            ctx.launchGrid(PtxKernels.CROSS_ENTROPY_FORWARD, rowBlocks(rows), rowThreads(cols),
                    operands.dense("cross-entropy", logits), operands.dense("cross-entropy", labels),
                    operands.out("cross-entropy", probs), operands.ptr("cross-entropy", rowLoss),
                    operands.ptr("cross-entropy", badRow), rows, cols);
            reduceUnchecked(ReduceOp.SUM, rowLoss, 0, loss, null);
            axpbyUnchecked(1.0 / rows, loss, 0, loss);
        }
    }

    @Override
    public double crossEntropyUnchecked(Tensor logits, Tensor labels, Tensor probs) {
        CudaOperands.requireFloat("cross-entropy", logits, probs);
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        long pp = operands.out("cross-entropy", probs);
        if (rows == 0) {
            return 0;
        }
        try (Scope s = Scope.open("cross-entropy")) {
            Tensor rowLoss = Tensor.empty(device, DType.FLOAT32, rows);
            Tensor badRow = Tensor.empty(device, DType.INT32, 1);
            fill(badRow, -1);
            ctx.launchGrid(PtxKernels.CROSS_ENTROPY_FORWARD, rowBlocks(rows), rowThreads(cols),
                    operands.dense("cross-entropy", logits),
                    operands.dense("cross-entropy", labels), pp, operands.ptr("cross-entropy", rowLoss),
                    operands.ptr("cross-entropy", badRow), rows, cols);
            int bad = (int) badRow.getFlat(0);
            if (bad >= 0) {
                ClassLabels.check(labels.getFlat(bad), bad, cols); // throws with the CPU's message
            }
            double total = 0;
            for (float v : rowLoss.toFloatArray()) {
                total += v;
            }
            return total;
        }
    }

    @Override
    public void crossEntropyBackwardUnchecked(Tensor probs, Tensor labels, double scale, Tensor dx) {
        // The forward pass's kernel checked every label's range (the loss op runs it first); here a
        // bad label would only be read, never written through.
        CudaOperands.requireFloat("cross-entropy backward", probs, dx);
        long pdx = operands.out("cross-entropy backward", dx);
        int rows = probs.dim(0);
        int cols = probs.dim(1);
        if (probs.size() > 0) {
            ctx.launch(PtxKernels.CROSS_ENTROPY_BACKWARD, probs.size(), operands.dense("cross-entropy backward", probs),
                    operands.dense("cross-entropy backward", labels), pdx, rows, cols, (float) scale);
        }
    }

    @Override
    public void argmaxUnchecked(Tensor x, Tensor out) {
        CudaOperands.requireFloat("argmax", x);
        long po = operands.out("argmax", out);
        if (x.dim(0) > 0) {
            ctx.launchGrid(PtxKernels.ARGMAX_ROWS, rowBlocks(x.dim(0)), rowThreads(x.dim(1)), operands.dense("argmax", x), po,
                    x.dim(0), x.dim(1));
        }
    }

    @Override
    public void axpbyUnchecked(double alpha, Tensor x, double beta, Tensor y) {
        CudaOperands.requireFloat("axpby", x, y);
        long py = operands.out("axpby", y);
        if (y.size() > 0) {
            ctx.launch(PtxKernels.AXPBY, y.size(), (float) alpha, operands.dense("axpby", x), (float) beta, py, y.size());
        }
    }

    @Override
    public void clampUnchecked(Tensor x, double lo, double hi, Tensor y) {
        CudaOperands.requireFloat("clamp", x, y);
        long py = operands.out("clamp", y);
        if (y.size() > 0) {
            ctx.launch(PtxKernels.CLAMP, y.size(), operands.dense("clamp", x), py, y.size(), (float) lo, (float) hi);
        }
    }

    @Override
    public void fill(Tensor y, double value) {
        operands.check("fill", y);
        if (y.size() == 0) {
            return;
        }
        if (y.dtype().isHalf()) {
            // FILL stores 32-bit patterns: fill float32, then round once into the half.
            try (Scope s = Scope.open("fill")) {
                Tensor wide = Tensor.empty(device, DType.FLOAT32, y.shape());
                fill(wide, value);
                copy(wide, y);
            }
            return;
        }
        // FILL stores 32-bit patterns: an int32 value travels as the float with its bits.
        float bits = y.dtype() == DType.INT32 ? Float.intBitsToFloat((int) value) : (float) value;
        if (y.isContiguous()) {
            ctx.launch(PtxKernels.FILL, y.size(), operands.ptr("fill", y), y.size(), bits);
            return;
        }
        try (Scope s = Scope.open("fill")) {
            Tensor dense = Tensor.empty(device, y.dtype(), y.shape());
            ctx.launch(PtxKernels.FILL, y.size(), operands.ptr("fill", dense), y.size(), bits);
            copy(dense, y);
        }
    }

    @Override
    public void copyUnchecked(Tensor src, Tensor dst) {
        if (!src.device().equals(dst.device())) {
            // One side is elsewhere (a checkpoint loaded on the host, say): bring it over first.
            try (Scope s = Scope.open("copy across devices")) {
                Tensor here = src.detach().to(dst.device());
                if (dst.device().equals(device)) {
                    copy(here, dst);
                } else {
                    BackendRegistry.of(dst).copy(here, dst);
                }
            }
            return;
        }
        operands.check("copy", src);
        operands.check("copy", dst);
        if (src.size() == 0) {
            return;
        }
        if (src.dtype() != dst.dtype() && (src.dtype().isHalf() || dst.dtype().isHalf())) {
            copyConvertingHalf(src, dst);
            return;
        }
        int[] shape = src.shape();
        long[] sa = src.strides(), sb = dst.strides();
        if (shape.length > COPY_RANK) {
            long[][] merged = BroadcastStrides.collapse(shape, sa, sb, COPY_RANK);
            if (merged == null) {
                // More dimensions than the kernel walks, even merged: copy slice by slice along the first.
                int[] inner = Arrays.copyOfRange(shape, 1, shape.length);
                long[] srcInner = Arrays.copyOfRange(sa, 1, sa.length);
                long[] dstInner = Arrays.copyOfRange(sb, 1, sb.length);
                for (int i = 0; i < shape[0]; i++) {
                    copy(src.view(inner, srcInner, src.offset() + i * sa[0]),
                            dst.view(inner, dstInner, dst.offset() + i * sb[0]));
                }
                return;
            }
            copyStrided(src, dst, COPY_RANK, merged[0], merged[1], merged[2]);
            return;
        }
        long[] s = new long[COPY_RANK], a = new long[COPY_RANK], b = new long[COPY_RANK];
        for (int i = 0; i < COPY_RANK; i++) {
            s[i] = i < shape.length ? shape[i] : 1;
            a[i] = i < shape.length ? sa[i] : 0;
            b[i] = i < shape.length ? sb[i] : 0;
        }
        copyStrided(src, dst, shape.length, s, a, b);
    }

    /** The strided-copy kernel over the first {@code rank} of 8 dimensions, with the dtype conversion. */
    private void copyStrided(Tensor src, Tensor dst, int rank, long[] s, long[] a, long[] b) {
        if (src.dtype().byteSize() == 2) {
            ctx.launch(PtxKernels.COPY_STRIDED_16, src.size(), operands.ptr("copy", src), operands.ptr("copy", dst),
                    src.size(), rank, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], a[0], a[1], a[2], a[3], a[4],
                    a[5], a[6], a[7], b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
            return;
        }
        int mode = src.dtype() == dst.dtype() ? 0 : src.dtype() == DType.FLOAT32 ? 1 : 2;
        ctx.launch(PtxKernels.COPY_STRIDED, src.size(), operands.ptr("copy", src), operands.ptr("copy", dst), src.size(),
                rank, mode, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], a[0], a[1], a[2], a[3], a[4], a[5],
                a[6], a[7], b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    }

    /** Dimensions the strided-copy kernel walks (shapes are merged down to this, or split). */
    private static final int COPY_RANK = 8;

    // ---- half precision -----------------------------------------------------------------------

    @Override
    public void castUnchecked(Tensor src, Tensor dst) {
        operands.check("cast", src);
        long pd = operands.out("cast", dst);
        if (src.dtype() == dst.dtype()) {
            copy(src, dst);
            return;
        }
        if (src.size() == 0) {
            return;
        }
        long ps = operands.dense("cast", src);
        ctx.launch(PtxKernels.CAST, src.size(), ps, castCode(src.dtype()), pd, castCode(dst.dtype()), src.size());
    }

    /** The cast kernel's code of a dtype (cast.cu): explicit, not the enum's ordinal. */
    private static int castCode(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> 0;
            case BFLOAT16 -> 1;
            case FLOAT16 -> 2;
            case FLOAT64, INT32 -> throw new IllegalArgumentException("cast on cuda: " + dtype.label()
                    + " is not converted on the device; cast it on the host");
        };
    }

    /**
     * copy between different dtypes, one of them a half: floats through the cast kernel (into a
     * temporary when dst is a strided view), int32 through float32.
     */
    private void copyConvertingHalf(Tensor src, Tensor dst) {
        try (Scope s = Scope.open("copy converting")) {
            if (!src.dtype().isFloating() || !dst.dtype().isFloating()) {
                Tensor wide = Tensor.empty(device, DType.FLOAT32, src.shape());
                copy(src, wide);
                copy(wide, dst);
            } else if (dst.isContiguous()) {
                cast(src, dst);
            } else {
                Tensor converted = Tensor.empty(device, dst.dtype(), src.shape());
                cast(src, converted);
                copy(converted, dst);
            }
        }
    }

    @Override
    public void dropoutUnchecked(Tensor x, Tensor mask, Tensor y, double p, long seed) {
        CudaOperands.requireFloat("dropout", x, mask, y);
        long pm = operands.out("dropout", mask);
        long py = operands.out("dropout", y);
        if (y.size() > 0) {
            // The CPU kernel rounds p to float first; its keep test compares 24 random bits with
            // this threshold.
            float pf = (float) p;
            ctx.launch(PtxKernels.DROPOUT, y.size(), operands.dense("dropout", x), pm, py, y.size(),
                    (int) Math.ceil(pf * 16777216.0), pf >= 1 ? 0f : (float) (1.0 / (1.0 - pf)), seed);
        }
    }

    // ---- optimizers: the host computes the per-call constants exactly as the CPU kernels do --------

    @Override
    public void adamStepUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                                  double eps, double weightDecay, boolean decoupled, int step) {
        CudaOperands.requireFloat("adam", param, grad, m, v);
        AdamStep.Constants k = AdamStep.Constants.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        ctx.launch(PtxKernels.ADAM_STEP, param.size(), operands.out("adam", param), operands.out("adam", grad),
                operands.out("adam", m), operands.out("adam", v), param.size(), k.b1(), k.b2(), k.oneMinusB1(),
                k.oneMinusB2(), k.eps(), k.wd(), k.l2(), k.decay(), k.shrink(), k.stepSize(), k.sqrtBc2());
    }

    @Override
    public void adamStepCountedUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1,
                                         double beta2, double eps, double weightDecay, boolean decoupled, Tensor step) {
        CudaOperands.requireFloat("adam", param, grad, m, v, step);
        AdamStep.Constants k = AdamStep.Constants.of(lr, beta1, beta2, eps, weightDecay, decoupled, 1);
        ctx.launch(PtxKernels.ADAM_STEP_COUNTED, param.size(), operands.out("adam", param), operands.out("adam", grad),
                operands.out("adam", m), operands.out("adam", v), param.size(), k.b1(), k.b2(), k.oneMinusB1(),
                k.oneMinusB2(), k.eps(), k.wd(), k.l2(), k.decay(), k.shrink(), operands.dense("adam", step), lr, beta1,
                beta2);
    }

    @Override
    public void sgdStepUnchecked(Tensor param, Tensor grad, Tensor momentumBufOrNull, double lr, double momentum,
                                 double dampening, double weightDecay, boolean nesterov, boolean firstStep) {
        CudaOperands.requireFloat("sgd", param, grad, momentumBufOrNull);
        ctx.launch(PtxKernels.SGD_STEP, param.size(), operands.out("sgd", param), operands.out("sgd", grad),
                momentumBufOrNull == null ? 0L : operands.out("sgd", momentumBufOrNull), param.size(), (float) lr,
                (float) momentum, (float) (1.0 - dampening), (float) weightDecay, nesterov, firstStep);
    }

    @Override
    public void rmspropStepUnchecked(Tensor param, Tensor grad, Tensor squareAvg, Tensor momentumBufOrNull,
                                     Tensor gradAvgOrNull, double lr, double alpha, double eps, double weightDecay,
                                     double momentum, boolean centered) {
        CudaOperands.requireFloat("rmsprop", param, grad, squareAvg, momentumBufOrNull, gradAvgOrNull);
        RmspropStep.Constants k = RmspropStep.Constants.of(lr, alpha, eps, weightDecay, momentum, centered);
        ctx.launch(PtxKernels.RMSPROP_STEP, param.size(), operands.out("rmsprop", param), operands.out("rmsprop", grad),
                operands.out("rmsprop", squareAvg),
                momentumBufOrNull == null ? 0L : operands.out("rmsprop", momentumBufOrNull),
                gradAvgOrNull == null ? 0L : operands.out("rmsprop", gradAvgOrNull), param.size(), k.lr(), k.alpha(),
                k.oneMinusAlpha(), k.eps(), k.wd(), k.momentum(), k.centered());
    }

    @Override
    public void adagradStepUnchecked(Tensor param, Tensor grad, Tensor sum, double lr, double lrDecay,
                                     double weightDecay, double eps, int step) {
        CudaOperands.requireFloat("adagrad", param, grad, sum);
        ctx.launch(PtxKernels.ADAGRAD_STEP, param.size(), operands.out("adagrad", param), operands.out("adagrad", grad),
                operands.out("adagrad", sum), param.size(), AdagradStep.decayedRate(lr, lrDecay, step),
                (float) weightDecay, (float) eps);
    }

    // ---- convolution (cuDNN) --------------------------------------------------------------------

    @Override
    public void conv2dUnchecked(Conv2dGeometry g, Tensor x, Tensor w, Tensor biasOrNull, Tensor y) {
        CudaOperands.requireFloat("conv2d", x, w, biasOrNull, y);
        long py = operands.out("conv2d", y);
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            convolution.forward(g, operands.dense("conv2d", x), operands.dense("conv2d", w),
                    biasOrNull == null ? 0 : operands.dense("conv2d", biasOrNull), py);
        }
    }

    @Override
    public void conv2dBackwardDataUnchecked(Conv2dGeometry g, Tensor dy, Tensor w, Tensor dx) {
        CudaOperands.requireFloat("conv2dBackwardData", dy, w, dx);
        long pdx = operands.out("conv2dBackwardData", dx);
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            convolution.backwardData(g, operands.dense("conv2dBackwardData", dy), operands.dense("conv2dBackwardData", w),
                    pdx);
        }
    }

    @Override
    public void conv2dBackwardWeightUnchecked(Conv2dGeometry g, Tensor x, Tensor dy, Tensor dw, Tensor dbiasOrNull) {
        CudaOperands.requireFloat("conv2dBackwardWeight", x, dy, dw, dbiasOrNull);
        long pdw = operands.out("conv2dBackwardWeight", dw);
        long pdb = dbiasOrNull == null ? 0 : operands.out("conv2dBackwardWeight", dbiasOrNull);
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            convolution.backwardWeight(g, operands.dense("conv2dBackwardWeight", x),
                    operands.dense("conv2dBackwardWeight", dy), pdw, pdb);
        }
    }

    // ---- pooling (PTX) ----------------------------------------------------------------------------

    @Override
    public void maxPool2dUnchecked(Pool2dGeometry g, Tensor x, Tensor y, Tensor argmax) {
        CudaOperands.requireFloat("maxPool2d", x, y);
        long outputs = planes(g) * g.outH() * g.outW();
        long py = operands.out("maxPool2d", y), pa = operands.out("maxPool2d", argmax);
        if (outputs > 0) {
            launchPool(PtxKernels.MAX_POOL2D, outputs, g, null, operands.dense("maxPool2d", x), py, pa);
        }
    }

    @Override
    public void maxPool2dBackwardUnchecked(Pool2dGeometry g, Tensor dy, Tensor argmax, Tensor dx) {
        CudaOperands.requireFloat("maxPool2dBackward", dy, dx);
        long inputs = planes(g) * g.inH() * g.inW();
        long pdx = operands.out("maxPool2dBackward", dx);
        if (inputs > 0) {
            launchPool(PtxKernels.MAX_POOL2D_BACKWARD, inputs, g, null, operands.dense("maxPool2dBackward", dy),
                    operands.dense("maxPool2dBackward", argmax), pdx);
        }
    }

    @Override
    public void avgPool2dUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor x, Tensor y) {
        CudaOperands.requireFloat("avgPool2d", x, y);
        long outputs = planes(g) * g.outH() * g.outW();
        long py = operands.out("avgPool2d", y);
        if (outputs > 0) {
            launchPool(PtxKernels.AVG_POOL2D, outputs, g, countIncludePad, operands.dense("avgPool2d", x), py);
        }
    }

    @Override
    public void avgPool2dBackwardUnchecked(Pool2dGeometry g, boolean countIncludePad, Tensor dy, Tensor dx) {
        CudaOperands.requireFloat("avgPool2dBackward", dy, dx);
        long inputs = planes(g) * g.inH() * g.inW();
        long pdx = operands.out("avgPool2dBackward", dx);
        if (inputs > 0) {
            launchPool(PtxKernels.AVG_POOL2D_BACKWARD, inputs, g, countIncludePad,
                    operands.dense("avgPool2dBackward", dy), pdx);
        }
    }

    /** The NCHW planes pool.cu works on: batch·channels. */
    private static long planes(Pool2dGeometry g) {
        return (long) g.batch() * g.channels();
    }

    /**
     * Launches a pool.cu kernel with one thread per element of its grid: the tensor addresses,
     * then the planes and geometry all four kernels take, then countIncludePad for the average
     * pools (null for the max pools, which take none).
     */
    private void launchPool(PtxKernel kernel, long elements, Pool2dGeometry g, Boolean countIncludePad,
                            Object... addresses) {
        List<Object> args = new ArrayList<>(Arrays.asList(addresses));
        Collections.addAll(args, planes(g), g.inH(), g.inW(), g.outH(), g.outW(), g.kernelH(), g.kernelW(),
                g.strideH(), g.strideW(), g.padH(), g.padW());
        if (countIncludePad != null) {
            args.add(countIncludePad);
        }
        ctx.launch(kernel, elements, args.toArray());
    }

    // ---- batch norm (cuDNN) -----------------------------------------------------------------------

    @Override
    public void batchNormTrainUnchecked(Tensor x, Tensor gamma, Tensor beta, double eps, double momentum,
                                        Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean,
                                        Tensor saveInvStd) {
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNormTrain on cuda: cuDNN updates running mean and variance together;"
                    + " pass both or neither");
        }
        CudaOperands.requireFloat("batchNormTrain", x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        String op = "batchNormTrain";
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            batchNorm.train(x.shape(), operands.dense(op, x), operands.dense(op, gamma), operands.dense(op, beta), eps, momentum,
                    runningMean == null ? 0 : operands.out(op, runningMean), runningVar == null ? 0 : operands.out(op, runningVar),
                    operands.out(op, y), operands.out(op, saveMean), operands.out(op, saveInvStd));
        }
    }

    @Override
    public void batchNormInferenceUnchecked(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                            Tensor runningVar, double eps, Tensor y) {
        CudaOperands.requireFloat("batchNormInference", x, gamma, beta, runningMean, runningVar, y);
        String op = "batchNormInference";
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            batchNorm.inference(x.shape(), operands.dense(op, x), operands.dense(op, gamma), operands.dense(op, beta),
                    operands.dense(op, runningMean), operands.dense(op, runningVar), eps, operands.out(op, y));
        }
    }

    @Override
    public void batchNormBackwardUnchecked(Tensor x, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dy,
                                           Tensor dx, Tensor dgamma, Tensor dbeta) {
        CudaOperands.requireFloat("batchNormBackward", x, gamma, saveMean, saveInvStd, dy, dx, dgamma, dbeta);
        String op = "batchNormBackward";
        synchronized (ctx.select()) { // cuDNN runs on the current device; its handle is not thread-safe
            batchNorm.backward(x.shape(), operands.dense(op, x), operands.dense(op, gamma), operands.dense(op, saveMean),
                    operands.dense(op, saveInvStd), operands.dense(op, dy), operands.out(op, dx), operands.out(op, dgamma),
                    operands.out(op, dbeta));
        }
    }

    // ---- recurrent cells (PTX) --------------------------------------------------------------------

    @Override
    public void lstmCellUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor h) {
        int[] bh = {h.dim(0), h.dim(1)};
        CudaOperands.requireFloat("lstmCell", gates, cPrev, c, h);
        String op = "lstmCell";
        if (bh[0] * (long) bh[1] > 0) {
            ctx.launch(PtxKernels.LSTM_CELL, (long) bh[0] * bh[1], operands.out(op, gates), operands.dense(op, cPrev),
                    operands.out(op, c), operands.out(op, h), bh[0], bh[1]);
        }
    }

    @Override
    public void lstmCellBackwardUnchecked(Tensor gates, Tensor cPrev, Tensor c, Tensor dh, Tensor dc, Tensor dGates,
                                          Tensor dcPrev) {
        int[] bh = {dcPrev.dim(0), dcPrev.dim(1)};
        CudaOperands.requireFloat("lstmCellBackward", gates, cPrev, c, dh, dc, dGates, dcPrev);
        String op = "lstmCellBackward";
        if (bh[0] * (long) bh[1] > 0) {
            ctx.launch(PtxKernels.LSTM_CELL_BACKWARD, (long) bh[0] * bh[1], operands.dense(op, gates),
                    operands.dense(op, cPrev), operands.dense(op, c), operands.dense(op, dh),
                    dc == null ? 0L : operands.dense(op, dc), operands.out(op, dGates), operands.out(op, dcPrev), bh[0],
                    bh[1]);
        }
    }

    @Override
    public void gruCellUnchecked(Tensor xg, Tensor hg, Tensor hPrev, Tensor h, Tensor saved) {
        int[] bh = {h.dim(0), h.dim(1)};
        CudaOperands.requireFloat("gruCell", xg, hg, hPrev, h, saved);
        String op = "gruCell";
        if (bh[0] * (long) bh[1] > 0) {
            ctx.launch(PtxKernels.GRU_CELL, (long) bh[0] * bh[1], operands.dense(op, xg), operands.dense(op, hg),
                    operands.dense(op, hPrev), operands.out(op, h), operands.out(op, saved), bh[0], bh[1]);
        }
    }

    @Override
    public void gruCellBackwardUnchecked(Tensor saved, Tensor hPrev, Tensor dh, Tensor dxg, Tensor dhg, Tensor dhPrev) {
        int[] bh = {dhPrev.dim(0), dhPrev.dim(1)};
        CudaOperands.requireFloat("gruCellBackward", saved, hPrev, dh, dxg, dhg, dhPrev);
        String op = "gruCellBackward";
        if (bh[0] * (long) bh[1] > 0) {
            ctx.launch(PtxKernels.GRU_CELL_BACKWARD, (long) bh[0] * bh[1], operands.dense(op, saved),
                    operands.dense(op, hPrev), operands.dense(op, dh), operands.out(op, dxg), operands.out(op, dhg),
                    operands.out(op, dhPrev), bh[0], bh[1]);
        }
    }

    // The row kernels (softmax, cross-entropy, argmax) give each row a block (and loop when the
    // grid is smaller): a warp for short rows such as 10 classes, 256 threads for long ones.
    private static int rowBlocks(int rows) {
        return Math.min(rows, 65535);
    }

    private static int rowThreads(int cols) {
        return cols <= 64 ? 32 : 256;
    }

    private static MemorySegment seg(long address) {
        return MemorySegment.ofAddress(address);
    }
}
