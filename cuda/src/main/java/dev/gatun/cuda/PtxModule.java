package dev.gatun.cuda;

import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.cuda.driver.cuda_h;
import dev.gatun.device.DeviceBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * A PTX module loaded through the CUDA driver API (cuModuleLoadData, which JIT-compiles the PTX
 * for the device at hand, so one compute_80 PTX runs on Ampere and anything newer) and its
 * kernels, launched with cuLaunchKernel. Needs libcuda.so.1, which comes with the NVIDIA driver:
 * where it is missing, or there is no device, loading throws {@link
 * dev.gatun.bindings.NoGpuException} before anything else happens.
 *
 * <p>Arguments are checked against the {@link PtxKernel}'s parameter list before any launch, so a
 * wrong count or type is an IllegalArgumentException, not a kernel reading garbage.
 */
public final class PtxModule implements AutoCloseable {
    private final String name;
    private final int cuDevice;
    private final MemorySegment context;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private boolean closed;

    private PtxModule(String name, String ptx, int device) {
        this.name = name;
        CudaLibraries.get().require(CudaLibrary.DRIVER);
        CudaStatus.checkDriver(cuda_h.cuInit(0), "cuInit");
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dev = call.allocate(ValueLayout.JAVA_INT);
            CudaStatus.checkDriver(cuda_h.cuDeviceGet(dev, device), "cuDeviceGet");
            MemorySegment ctx = call.allocate(ValueLayout.ADDRESS);
            // The primary context is the one the runtime API (cudaMalloc, cuBLAS) uses too, so
            // device addresses from CudaDeviceMemory are valid in these kernels.
            this.cuDevice = dev.get(ValueLayout.JAVA_INT, 0);
            CudaStatus.checkDriver(cuda_h.cuDevicePrimaryCtxRetain(ctx, cuDevice), "cuDevicePrimaryCtxRetain");
            this.context = ctx.get(ValueLayout.ADDRESS, 0);
            try {
                CudaStatus.checkDriver(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
                MemorySegment mod = call.allocate(ValueLayout.ADDRESS);
                CudaStatus.checkDriver(cuda_h.cuModuleLoadData(mod, call.allocateFrom(ptx)),
                        "cuModuleLoadData(" + name + ")");
                this.module = mod.get(ValueLayout.ADDRESS, 0);
            } catch (RuntimeException e) {
                cuda_h.cuDevicePrimaryCtxRelease_v2(cuDevice);
                throw e;
            }
        }
    }

    /**
     * Loads the committed PTX file {@code file} (see {@link PtxKernels#files()}) on device 0.
     *
     * @param file the PTX file's base name, as in {@link PtxKernel#file()}
     * @return the loaded module
     */
    public static PtxModule load(String file) {
        String ptx = PtxKernels.ptx(file);
        return new PtxModule(file, ptx, 0);
    }

    /**
     * Loads PTX text on device {@code device}; {@code name} is for messages.
     *
     * @param name a name for error messages
     * @param ptx the PTX source text
     * @param device the CUDA device number, 0-based
     * @return the loaded module
     */
    public static PtxModule loadText(String name, String ptx, int device) {
        if (ptx == null || !ptx.contains(".entry")) {
            throw new IllegalArgumentException("PTX for " + name + " has no .entry: not PTX, or no kernels");
        }
        return new PtxModule(name, ptx, device);
    }

    /**
     * Launches {@code kernel} on a 1-D grid of {@code blocks} blocks of {@code threads} threads
     * on {@code stream}, asynchronously. Arguments follow the kernel's parameter list: a long or
     * {@link DeviceBlock} per pointer, a long per I64, an int or boolean per I32, a float per F32.
     *
     * @param kernel the kernel to launch; its file must be this module's
     * @param blocks the number of thread blocks
     * @param threads the threads per block
     * @param stream the CUDA stream handle to queue the launch on
     * @param args the arguments, in the kernel's parameter order
     */
    public synchronized void launch(PtxKernel kernel, int blocks, int threads, long stream, Object... args) {
        if (blocks <= 0 || threads <= 0 || threads > 1024) {
            throw new IllegalArgumentException("launch of " + kernel.entry() + ": blocks must be > 0 and threads in "
                    + "[1, 1024], got " + blocks + " x " + threads);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment params = packArguments(kernel, call, args);
            if (closed) {
                throw new IllegalStateException("launch of " + kernel.entry() + ": module " + name + " is closed");
            }
            MemorySegment f = function(kernel.entry());
            // A launch goes to the calling thread's current context, which may not be ours yet.
            CudaStatus.checkDriver(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CudaStatus.checkDriver(cuda_h.cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, 0,
                    MemorySegment.ofAddress(stream), params, MemorySegment.NULL), "cuLaunchKernel(" + kernel.entry() + ")");
        }
    }

    /**
     * Blocks for a grid-stride kernel over {@code n} elements: enough to cover n, at most
     * {@code maxBlocks} (a few waves of the device's multiprocessors is plenty; the loop does the rest).
     *
     * @param n the number of elements the kernel's loop covers
     * @param threads the threads per block
     * @param maxBlocks the largest grid to return
     * @return {@code ceil(n / threads)}, clamped to [1, maxBlocks]
     */
    public static int blocksFor(long n, int threads, int maxBlocks) {
        if (n < 0 || threads <= 0 || maxBlocks <= 0) {
            throw new IllegalArgumentException("blocksFor: n must be >= 0, threads and maxBlocks > 0, got n = " + n
                    + ", threads = " + threads + ", maxBlocks = " + maxBlocks);
        }
        return (int) Math.max(1, Math.min(maxBlocks, (n + threads - 1) / threads));
    }

    /**
     * The {@code void**} array cuLaunchKernel takes: one slot per argument holding its value,
     * checked against {@code kernel}'s parameters. Package-private so that tests can check it
     * without a GPU.
     */
    static MemorySegment packArguments(PtxKernel kernel, Arena arena, Object... args) {
        var params = kernel.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(kernel.entry() + " takes " + params.size() + " arguments "
                    + params.stream().map(PtxKernel.Param::name).toList() + ", got " + args.length);
        }
        MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, args.length);
        for (int i = 0; i < args.length; i++) {
            PtxKernel.Param p = params.get(i);
            Object a = args[i];
            MemorySegment slot = arena.allocate(8, 8);
            switch (p.type()) {
                case POINTER -> slot.set(ValueLayout.JAVA_LONG, 0, switch (a) {
                    case Long l -> l;
                    case DeviceBlock b -> b.address();
                    case null, default -> throw wrongType(kernel, i, p, a, "a long address or a DeviceBlock");
                });
                case I64 -> slot.set(ValueLayout.JAVA_LONG, 0, switch (a) {
                    case Long l -> l;
                    case Integer n -> (long) n;
                    case null, default -> throw wrongType(kernel, i, p, a, "a long");
                });
                case I32 -> slot.set(ValueLayout.JAVA_INT, 0, switch (a) {
                    case Integer n -> n;
                    case Boolean b -> b ? 1 : 0;
                    case null, default -> throw wrongType(kernel, i, p, a, "an int or a boolean");
                });
                case F32 -> slot.set(ValueLayout.JAVA_FLOAT, 0, switch (a) {
                    case Float f -> f;
                    case null, default -> throw wrongType(kernel, i, p, a, "a float");
                });
                case F64 -> slot.set(ValueLayout.JAVA_DOUBLE, 0, switch (a) {
                    case Double d -> d;
                    case null, default -> throw wrongType(kernel, i, p, a, "a double");
                });
            }
            pointers.setAtIndex(ValueLayout.ADDRESS, i, slot);
        }
        return pointers;
    }

    /** Unloads the module and releases its hold on the device's primary context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CudaStatus.checkDriver(cuda_h.cuModuleUnload(module), "cuModuleUnload(" + name + ")");
        CudaStatus.checkDriver(cuda_h.cuDevicePrimaryCtxRelease_v2(cuDevice), "cuDevicePrimaryCtxRelease");
    }

    private MemorySegment function(String entry) {
        MemorySegment f = functions.get(entry);
        if (f == null) {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment p = call.allocate(ValueLayout.ADDRESS);
                CudaStatus.checkDriver(cuda_h.cuModuleGetFunction(p, module, call.allocateFrom(entry)),
                        "cuModuleGetFunction(" + entry + ")");
                f = p.get(ValueLayout.ADDRESS, 0);
            }
            functions.put(entry, f);
        }
        return f;
    }

    private static IllegalArgumentException wrongType(PtxKernel kernel, int index, PtxKernel.Param p, Object a,
                                                      String expected) {
        return new IllegalArgumentException(kernel.entry() + " argument " + index + " (" + p.name() + ", "
                + p.type() + ") must be " + expected + ", got " + (a == null ? "null" : a.getClass().getSimpleName()
                + " " + a));
    }
}
