package dev.gatun.cuda;

import static dev.gatun.bindings.CudaStatus.checkCudnn;

import dev.gatun.backend.Conv2dGeometry;
import dev.gatun.bindings.cudnn.cudnnConvolutionBwdDataAlgoPerfStruct;
import dev.gatun.bindings.cudnn.cudnnConvolutionBwdFilterAlgoPerfStruct;
import dev.gatun.bindings.cudnn.cudnnConvolutionFwdAlgoPerfStruct;
import dev.gatun.bindings.cudnn.cudnn_h;
import dev.gatun.device.DeviceBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Convolution forward, backward data and backward weight through cuDNN's legacy convolution API.
 *
 * <p>Each geometry gets a {@link Plan} on first use: its descriptors (NCHW float32; filters
 * [Cout, Cin/G, kH, kW]; cross-correlation, as PyTorch and our CPU kernels compute) and, per
 * direction, the algorithm cuDNN's Find call measured fastest among those that succeed within
 * {@link #WORKSPACE_LIMIT} bytes. The math type is FMA (true float32) unless TF32 was asked for:
 * cuDNN would otherwise pick TF32 tensor-core algorithms on Ampere and newer, which round the
 * inputs to 10 mantissa bits. Workspaces come from the device's caching allocator and go back to
 * it after the call (the device's single stream orders their reuse). Plans live as long as the
 * backend: a training run has a handful of geometries (each layer, plus the last batch's).
 */
final class CudnnConvolution {
    /** The most workspace an algorithm may ask for. */
    static final long WORKSPACE_LIMIT = 1L << 30;

    private final CudaContext ctx;
    private final boolean tf32;
    private final Map<Conv2dGeometry, Plan> plans = new HashMap<>();

    /** Descriptors and chosen algorithms for one geometry. */
    private record Plan(MemorySegment x, MemorySegment w, MemorySegment y, MemorySegment bias, MemorySegment conv,
                        Choice forward, Choice backwardData, Choice backwardFilter) {}

    private record Choice(int algo, long workspace) {}

    CudnnConvolution(CudaContext ctx, boolean tf32) {
        this.ctx = ctx;
        this.tf32 = tf32;
    }

    /** y = conv(x, w) (+ bias): all device addresses of dense NCHW float32 arrays. */
    void forward(Conv2dGeometry g, long x, long w, long biasOrZero, long y) {
        Plan p = plan(g);
        try (Arena call = Arena.ofConfined()) {
            DeviceBlock ws = workspace(p.forward().workspace());
            try {
                checkCudnn(cudnn_h.cudnnConvolutionForward(ctx.cudnn(), one(call), p.x(), seg(x), p.w(), seg(w), p.conv(),
                        p.forward().algo(), ws == null ? MemorySegment.NULL : seg(ws.address()), p.forward().workspace(),
                        zero(call), p.y(), seg(y)), "cudnnConvolutionForward");
            } finally {
                release(ws);
            }
            if (biasOrZero != 0) {
                checkCudnn(cudnn_h.cudnnAddTensor(ctx.cudnn(), one(call), p.bias(), seg(biasOrZero), one(call), p.y(),
                        seg(y)), "cudnnAddTensor");
            }
        }
    }

    /** dx = the gradient of the convolution with respect to x, given dy. */
    void backwardData(Conv2dGeometry g, long dy, long w, long dx) {
        Plan p = plan(g);
        try (Arena call = Arena.ofConfined()) {
            DeviceBlock ws = workspace(p.backwardData().workspace());
            try {
                checkCudnn(cudnn_h.cudnnConvolutionBackwardData(ctx.cudnn(), one(call), p.w(), seg(w), p.y(), seg(dy),
                        p.conv(), p.backwardData().algo(), ws == null ? MemorySegment.NULL : seg(ws.address()),
                        p.backwardData().workspace(), zero(call), p.x(), seg(dx)), "cudnnConvolutionBackwardData");
            } finally {
                release(ws);
            }
        }
    }

    /** dw (and dbias when not 0) given x and dy; both overwritten. */
    void backwardWeight(Conv2dGeometry g, long x, long dy, long dw, long dbiasOrZero) {
        Plan p = plan(g);
        try (Arena call = Arena.ofConfined()) {
            DeviceBlock ws = workspace(p.backwardFilter().workspace());
            try {
                checkCudnn(cudnn_h.cudnnConvolutionBackwardFilter(ctx.cudnn(), one(call), p.x(), seg(x), p.y(), seg(dy),
                        p.conv(), p.backwardFilter().algo(), ws == null ? MemorySegment.NULL : seg(ws.address()),
                        p.backwardFilter().workspace(), zero(call), p.w(), seg(dw)), "cudnnConvolutionBackwardFilter");
            } finally {
                release(ws);
            }
            if (dbiasOrZero != 0) {
                checkCudnn(cudnn_h.cudnnConvolutionBackwardBias(ctx.cudnn(), one(call), p.y(), seg(dy), zero(call),
                        p.bias(), seg(dbiasOrZero)), "cudnnConvolutionBackwardBias");
            }
        }
    }

    private synchronized Plan plan(Conv2dGeometry g) {
        return plans.computeIfAbsent(g, this::makePlan);
    }

    private Plan makePlan(Conv2dGeometry g) {
        // cuDNN's Find allocates its scratch with plain cudaMalloc: give it the blocks the caching
        // allocator holds idle, or it may skip fast algorithms (or find none) for want of memory.
        // Only a new geometry gets here, so the cache is rebuilt rarely.
        ctx.allocator().emptyCache();
        int f = cudnn_h.CUDNN_DATA_FLOAT();
        int nchw = cudnn_h.CUDNN_TENSOR_NCHW();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment x = CudnnDescriptors.tensor4d(g.batch(), g.inChannels(), g.inH(), g.inW());
            MemorySegment y = CudnnDescriptors.tensor4d(g.batch(), g.outChannels(), g.outH(), g.outW());
            MemorySegment bias = CudnnDescriptors.tensor4d(1, g.outChannels(), 1, 1);
            MemorySegment p = call.allocate(ValueLayout.ADDRESS);
            checkCudnn(cudnn_h.cudnnCreateFilterDescriptor(p), "cudnnCreateFilterDescriptor");
            MemorySegment w = p.get(ValueLayout.ADDRESS, 0);
            checkCudnn(cudnn_h.cudnnSetFilter4dDescriptor(w, f, nchw, g.outChannels(), g.inChannels() / g.groups(),
                    g.kernelH(), g.kernelW()), "cudnnSetFilter4dDescriptor");
            checkCudnn(cudnn_h.cudnnCreateConvolutionDescriptor(p), "cudnnCreateConvolutionDescriptor");
            MemorySegment conv = p.get(ValueLayout.ADDRESS, 0);
            checkCudnn(cudnn_h.cudnnSetConvolution2dDescriptor(conv, g.padH(), g.padW(), g.strideH(), g.strideW(),
                    g.dilationH(), g.dilationW(), cudnn_h.CUDNN_CROSS_CORRELATION(), f), "cudnnSetConvolution2dDescriptor");
            checkCudnn(cudnn_h.cudnnSetConvolutionGroupCount(conv, g.groups()), "cudnnSetConvolutionGroupCount");
            checkCudnn(cudnn_h.cudnnSetConvolutionMathType(conv, tf32 ? cudnn_h.CUDNN_TENSOR_OP_MATH()
                    : cudnn_h.CUDNN_FMA_MATH()), "cudnnSetConvolutionMathType");
            Choice fwd = find(call, FORWARD, (max, count, results) ->
                    cudnn_h.cudnnFindConvolutionForwardAlgorithm(ctx.cudnn(), x, w, conv, y, max, count, results));
            Choice bwdData = find(call, BACKWARD_DATA, (max, count, results) ->
                    cudnn_h.cudnnFindConvolutionBackwardDataAlgorithm(ctx.cudnn(), w, y, conv, x, max, count,
                            results));
            Choice bwdFilter = find(call, BACKWARD_FILTER, (max, count, results) ->
                    cudnn_h.cudnnFindConvolutionBackwardFilterAlgorithm(ctx.cudnn(), x, y, conv, w, max, count,
                            results));
            return new Plan(x, w, y, bias, conv, fwd, bwdData, bwdFilter);
        }
    }

    /**
     * What choosing one direction's algorithm needs: its name (for errors), the number of
     * algorithms cuDNN has for it, its Find function's name, and the static accessors of the
     * perf-struct class jextract generated for it (one class per direction, with the same methods).
     */
    private record Direction(String name, IntSupplier algoCount, String findFunction,
                             Supplier<MemoryLayout> layout, BiFunction<MemorySegment, Long, MemorySegment> asSlice,
                             ToIntFunction<MemorySegment> algo, ToIntFunction<MemorySegment> status,
                             ToLongFunction<MemorySegment> memory) {}

    private static final Direction FORWARD = new Direction("forward", cudnn_h::CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
            "cudnnFindConvolutionForwardAlgorithm", cudnnConvolutionFwdAlgoPerfStruct::layout,
            cudnnConvolutionFwdAlgoPerfStruct::asSlice, cudnnConvolutionFwdAlgoPerfStruct::algo,
            cudnnConvolutionFwdAlgoPerfStruct::status, cudnnConvolutionFwdAlgoPerfStruct::memory);
    private static final Direction BACKWARD_DATA = new Direction("backward-data",
            cudnn_h::CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, "cudnnFindConvolutionBackwardDataAlgorithm",
            cudnnConvolutionBwdDataAlgoPerfStruct::layout, cudnnConvolutionBwdDataAlgoPerfStruct::asSlice,
            cudnnConvolutionBwdDataAlgoPerfStruct::algo, cudnnConvolutionBwdDataAlgoPerfStruct::status,
            cudnnConvolutionBwdDataAlgoPerfStruct::memory);
    private static final Direction BACKWARD_FILTER = new Direction("backward-filter",
            cudnn_h::CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, "cudnnFindConvolutionBackwardFilterAlgorithm",
            cudnnConvolutionBwdFilterAlgoPerfStruct::layout, cudnnConvolutionBwdFilterAlgoPerfStruct::asSlice,
            cudnnConvolutionBwdFilterAlgoPerfStruct::algo, cudnnConvolutionBwdFilterAlgoPerfStruct::status,
            cudnnConvolutionBwdFilterAlgoPerfStruct::memory);

    /** A direction's cuDNN Find call: up to max perf structs into results, their number into count. */
    @FunctionalInterface
    private interface FindCall {
        int find(int max, MemorySegment count, MemorySegment results);
    }

    // cuDNN's Find calls run every algorithm once on scratch buffers they allocate themselves and
    // return them sorted fastest first; the first that succeeded within the limit wins.
    private static Choice find(Arena call, Direction d, FindCall findCall) {
        int max = d.algoCount().getAsInt();
        MemorySegment results = call.allocate(d.layout().get(), max);
        MemorySegment count = call.allocate(ValueLayout.JAVA_INT);
        checkCudnn(findCall.find(max, count, results), d.findFunction());
        for (int i = 0; i < count.get(ValueLayout.JAVA_INT, 0); i++) {
            MemorySegment r = d.asSlice().apply(results, (long) i);
            if (usable(d.status().applyAsInt(r), d.memory().applyAsLong(r))) {
                return new Choice(d.algo().applyAsInt(r), d.memory().applyAsLong(r));
            }
        }
        throw new IllegalStateException("cuDNN found no " + d.name() + " convolution algorithm within "
                + WORKSPACE_LIMIT + " bytes of workspace");
    }

    private static boolean usable(int status, long memory) {
        return status == cudnn_h.CUDNN_STATUS_SUCCESS() && memory <= WORKSPACE_LIMIT;
    }

    private DeviceBlock workspace(long bytes) {
        return bytes == 0 ? null : ctx.allocator().allocate(bytes);
    }

    private static void release(DeviceBlock ws) {
        if (ws != null) {
            ws.free();
        }
    }

    static MemorySegment seg(long address) {
        return MemorySegment.ofAddress(address);
    }

    static MemorySegment one(Arena call) {
        return call.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
    }

    static MemorySegment zero(Arena call) {
        return call.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
    }
}
