package dev.gatun.bindings;

import dev.gatun.bindings.cuda.runtime.cudart_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Entry point for "is there a GPU?": never crashes, whatever is (not) installed. */
public final class Gpu {
    private Gpu() {}

    /** Probes the runtime with cudaGetDeviceCount. Never throws. */
    public static GpuAvailability availability() {
        CudaLibraries libs = CudaLibraries.get();
        try {
            int n = deviceCount();
            return new GpuAvailability(true, n, "", libs.describe());
        } catch (CudaException e) {
            return new GpuAvailability(false, 0, e.getMessage(), libs.describe());
        }
    }

    /** Number of devices, at least 1; otherwise {@link NoGpuException} with the runtime's text. */
    public static int requireGpu() {
        return deviceCount();
    }

    private static int deviceCount() {
        CudaLibraries.get().require(CudaLibrary.CUDART);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            count.set(ValueLayout.JAVA_INT, 0, 0); // without a driver the runtime leaves it unset
            CudaStatus.checkRuntime(cudart_h.cudaGetDeviceCount(count), "cudaGetDeviceCount");
            int n = count.get(ValueLayout.JAVA_INT, 0);
            if (n <= 0) {
                throw new NoGpuException(CudaLibrary.CUDART.soname(), "cudaGetDeviceCount", 0, "zero CUDA devices");
            }
            return n;
        }
    }
}
