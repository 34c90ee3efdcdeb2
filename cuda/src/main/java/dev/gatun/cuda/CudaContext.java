package dev.gatun.cuda;

import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.cublas.cublas_h;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.bindings.cudnn.cudnn_h;
import dev.gatun.device.CachingAllocator;
import dev.gatun.device.CapturePool;
import dev.gatun.device.DeviceBlock;
import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.GraphCaptureException;
import dev.gatun.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything one CUDA device needs, opened once per process on first use: its {@link
 * CudaDeviceMemory}, a {@link CachingAllocator} over it, one stream that every copy, kernel,
 * cuBLAS and cuDNN call of this device is ordered on, the cuBLAS and cuDNN handles bound to that
 * stream, and the PTX modules, loaded when a kernel of theirs is first launched.
 *
 * <p>One stream keeps the device's work in program order, so a block freed to the allocator's
 * cache can be handed to the next op without waiting: anything that could still read it was
 * queued before. Host code that reads results synchronizes through the copies, which wait.
 * Nothing is ever closed: the handles and cache live as long as the process, as PyTorch's do.
 *
 * <p>It captures its stream as a CUDA graph ({@link #beginCapture}, {@link #endCapture}); during a
 * capture a host copy or synchronization is a {@link GraphCaptureException} before CUDA is asked.
 */
public final class CudaContext implements DeviceRuntime {
    private static final Map<Integer, CudaContext> OPEN = new HashMap<>();

    private final int index;
    private final CudaDeviceMemory memory;
    private final CachingAllocator allocator;
    private final long stream;
    private final MemorySegment cublas;
    private final MemorySegment cudnn;
    private final Map<String, PtxModule> modules = new HashMap<>();
    // The pool of the graph capture under way on the stream, or null.
    private CapturePool capturing;

    private CudaContext(int index) {
        this.index = index;
        this.memory = new CudaDeviceMemory(index);
        this.allocator = new CachingAllocator(memory, memory.totalBytes());
        this.stream = memory.createStream();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = call.allocate(ValueLayout.ADDRESS);
            CudaStatus.checkCublas(cublas_h.cublasCreate_v2(p), "cublasCreate_v2");
            this.cublas = p.get(ValueLayout.ADDRESS, 0);
            CudaStatus.checkCublas(cublas_h.cublasSetStream_v2(cublas, MemorySegment.ofAddress(stream)),
                    "cublasSetStream_v2");
            CudaStatus.checkCudnn(cudnn_h.cudnnCreate(p), "cudnnCreate");
            this.cudnn = p.get(ValueLayout.ADDRESS, 0);
            CudaStatus.checkCudnn(cudnn_h.cudnnSetStream(cudnn, MemorySegment.ofAddress(stream)), "cudnnSetStream");
        }
    }

    /**
     * The context of CUDA device {@code index}, opened on first call. Without a driver or a
     * device this throws {@link dev.gatun.bindings.NoGpuException} with the runtime's reason.
     *
     * @param index the CUDA device number, 0-based
     * @return the device's context, shared by all callers
     */
    public static synchronized CudaContext of(int index) {
        CudaContext c = OPEN.get(index);
        if (c == null) {
            c = new CudaContext(index);
            OPEN.put(index, c);
        }
        return c;
    }

    @Override
    public Device device() {
        return Device.cuda(index);
    }

    @Override
    public DeviceBlock allocate(long bytes) {
        return allocator.allocate(bytes);
    }

    @Override
    public long memoryLimit() {
        return allocator.limit();
    }

    @Override
    public void copyIn(MemorySegment src, long dst) {
        if (isCapturing()) {
            throw GraphCaptureException.hostCopy(this, src.byteSize());
        }
        memory.copyHostToDevice(src, dst, src.byteSize(), stream);
    }

    @Override
    public void copyOut(long src, MemorySegment dst) {
        if (isCapturing()) {
            throw GraphCaptureException.hostSync(this, "copyOut of " + dst.byteSize() + " bytes");
        }
        memory.copyDeviceToHost(src, dst, dst.byteSize(), stream);
    }

    @Override
    public String captureRefusal() {
        return null;
    }

    /**
     * Starts capturing this context's stream (thread-local mode: other threads' CUDA calls are not
     * affected); allocations join the graph's {@link CapturePool}.
     */
    @Override
    public synchronized void beginCapture() {
        if (capturing != null) {
            throw new IllegalStateException(this + ": a capture is already under way");
        }
        CapturePool pool = allocator.beginCapturePool();
        int status = cudart_h.cudaStreamBeginCapture(MemorySegment.ofAddress(stream),
                cudart_h.cudaStreamCaptureModeThreadLocal());
        if (status != 0) {
            allocator.endCapturePool(pool);
            pool.close();
            CudaStatus.checkRuntime(status, "cudaStreamBeginCapture");
        }
        capturing = pool;
    }

    @Override
    public synchronized DeviceGraph endCapture() {
        if (capturing == null) {
            throw new IllegalStateException(this + ": no capture under way");
        }
        CapturePool pool = capturing;
        capturing = null;
        allocator.endCapturePool(pool);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = call.allocate(ValueLayout.ADDRESS);
            int status = cudart_h.cudaStreamEndCapture(MemorySegment.ofAddress(stream), p);
            if (status != 0) {
                cudart_h.cudaGetLastError();
                pool.close();
                throw new GraphCaptureException(GraphCaptureException.Reason.NOT_CAPTURABLE, "cudaStreamEndCapture on "
                        + this + ": " + CudaStatus.runtimeErrorText(status) + " (an operation in the step cannot be"
                        + " captured)");
            }
            MemorySegment graph = p.get(ValueLayout.ADDRESS, 0);
            MemorySegment count = call.allocate(ValueLayout.JAVA_LONG);
            status = cudart_h.cudaGraphGetNodes(graph, MemorySegment.NULL, count);
            if (status == 0) {
                status = cudart_h.cudaGraphInstantiateWithFlags(p, graph, 0L);
            }
            if (status != 0) {
                cudart_h.cudaGraphDestroy(graph);
                pool.close();
                CudaStatus.checkRuntime(status, "cudaGraphInstantiateWithFlags");
            }
            return new CudaGraph(pool, graph, p.get(ValueLayout.ADDRESS, 0), stream,
                    (int) count.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Override
    public synchronized void abortCapture() {
        if (capturing == null) {
            return;
        }
        CapturePool pool = capturing;
        capturing = null;
        allocator.endCapturePool(pool);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment p = call.allocate(ValueLayout.ADDRESS);
            if (cudart_h.cudaStreamEndCapture(MemorySegment.ofAddress(stream), p) == 0
                    && !p.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                cudart_h.cudaGraphDestroy(p.get(ValueLayout.ADDRESS, 0));
            }
            // An invalidated capture leaves its error behind: clear it so the next call does not report it.
            cudart_h.cudaGetLastError();
        } finally {
            pool.close();
        }
    }

    @Override
    public synchronized boolean isCapturing() {
        return capturing != null;
    }

    @Override
    public void copyWithin(long src, long dst, long bytes) {
        memory.copyDeviceToDevice(src, dst, bytes, stream);
    }

    /** {@return the CUDA device number} */
    public int index() {
        return index;
    }

    /** {@return the raw device memory and copies} */
    public CudaDeviceMemory memory() {
        return memory;
    }

    /** {@return the caching allocator every tensor of this device draws from} */
    public CachingAllocator allocator() {
        return allocator;
    }

    /** {@return the device's CUDA stream handle, as an address} */
    public long stream() {
        return stream;
    }

    /** {@return the cuBLAS handle, bound to {@link #stream()}} */
    public MemorySegment cublas() {
        return cublas;
    }

    /** {@return the cuDNN handle, bound to {@link #stream()}} */
    public MemorySegment cudnn() {
        return cudnn;
    }

    /** Sets {@code bytes} bytes at {@code address} to zero, on the stream. */
    @Override
    public void zero(long address, long bytes) {
        CudaStatus.checkRuntime(cudart_h.cudaMemsetAsync(MemorySegment.ofAddress(address), 0, bytes,
                MemorySegment.ofAddress(stream)), "cudaMemsetAsync");
    }

    /**
     * Makes this device the calling thread's current one (cuBLAS and cuDNN calls run on the
     * current device, which is per thread) and returns this context, for
     * {@code synchronized (ctx.select()) { ...library call... }}: the handles must not be used by
     * two threads at once either.
     *
     * @return this context
     */
    public CudaContext select() {
        CudaStatus.checkRuntime(cudart_h.cudaSetDevice(index), "cudaSetDevice");
        return this;
    }

    /** Waits for everything queued on the stream. */
    @Override
    public void synchronize() {
        if (isCapturing()) {
            throw GraphCaptureException.hostSync(this, "synchronize");
        }
        memory.synchronize(stream);
    }

    /**
     * Launches a grid-stride kernel over {@code n} work items on the stream: 256 threads a block,
     * at most 32 blocks per multiprocessor's worth (4096), the loop inside covers the rest.
     *
     * @param kernel the kernel to run; its PTX module is loaded on first use
     * @param n the number of work items the kernel's loop covers
     * @param args the kernel's arguments, in its parameter order
     */
    public void launch(PtxKernel kernel, long n, Object... args) {
        launchGrid(kernel, PtxModule.blocksFor(n, 256, 4096), 256, args);
    }

    /**
     * Launches {@code kernel} on {@code blocks} blocks of {@code threads} threads, on the stream.
     *
     * @param kernel the kernel to run; its PTX module is loaded on first use
     * @param blocks the number of thread blocks in the 1-D grid
     * @param threads the threads per block
     * @param args the kernel's arguments, in its parameter order
     */
    public void launchGrid(PtxKernel kernel, int blocks, int threads, Object... args) {
        module(kernel.file()).launch(kernel, blocks, threads, stream, args);
    }

    private synchronized PtxModule module(String file) {
        PtxModule m = modules.get(file);
        if (m == null) {
            m = PtxModule.loadText(file, PtxKernels.ptx(file), index);
            modules.put(file, m);
        }
        return m;
    }

    @Override
    public String toString() {
        return "cuda:" + index;
    }
}
