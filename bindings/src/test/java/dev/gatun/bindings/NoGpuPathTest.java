package dev.gatun.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.bindings.cublas.cublas_h;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.bindings.cudnn.cudnn_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * What a machine without an NVIDIA driver sees: the libraries load and answer with their own
 * error codes, which become {@link NoGpuException} / {@link CudaException} with the library's text.
 */
class NoGpuPathTest {

    private static void requireNoGpu() {
        NativeTestSupport.requireInstalled(CudaLibrary.CUDART);
        if (Gpu.availability().available()) abort("this machine has a GPU; the no-GPU path cannot be seen here");
    }

    @Test
    void runtimeLoadsAndReportsItsVersionWithoutADriver() {
        NativeTestSupport.requireInstalled(CudaLibrary.CUDART);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            CudaStatus.checkRuntime(cudart_h.cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
            assertEquals(13, v.get(ValueLayout.JAVA_INT, 0) / 1000);
        }
    }

    @Test
    void deviceCountWithoutDriverIsNoGpuWithTheRuntimesText() {
        requireNoGpu();
        NoGpuException e = assertThrows(NoGpuException.class, Gpu::requireGpu);
        assertEquals("cudaGetDeviceCount", e.function());
        assertEquals("libcudart.so.13", e.library());
        assertTrue(e.code() == CudaStatus.CUDA_ERROR_INSUFFICIENT_DRIVER || e.code() == CudaStatus.CUDA_ERROR_NO_DEVICE, e.getMessage());
        assertTrue(e.text().startsWith("cudaErrorInsufficientDriver") || e.text().startsWith("cudaErrorNoDevice"), e.text());
        GpuAvailability a = Gpu.availability();
        assertFalse(a.available());
        assertEquals(0, a.deviceCount());
        assertTrue(a.reason().contains(e.text()), a.reason());
        assertEquals(CudaLibrary.values().length, a.libraries().size());
    }

    @Test
    void otherRuntimeErrorsAreCudaExceptionsNotNoGpu() {
        NativeTestSupport.requireInstalled(CudaLibrary.CUDART);
        CudaStatus.checkRuntime(0, "cudaFree");
        CudaException e = assertThrows(CudaException.class, () -> CudaStatus.checkRuntime(2, "cudaMalloc"));
        assertFalse(e instanceof NoGpuException);
        assertTrue(e.text().startsWith("cudaErrorMemoryAllocation"), e.text());
        assertTrue(e.getMessage().contains("cudaMalloc"), e.getMessage());
    }

    @Test
    void cublasCreateFailsWithCublasText() {
        requireNoGpu();
        NativeTestSupport.requireInstalled(CudaLibrary.CUBLAS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ValueLayout.ADDRESS);
            CudaException e = assertThrows(CudaException.class,
                    () -> CudaStatus.checkCublas(cublas_h.cublasCreate_v2(handle), "cublasCreate_v2"));
            assertEquals(cublas_h.CUBLAS_STATUS_NOT_INITIALIZED(), e.code());
            assertEquals("libcublas.so.13", e.library());
            assertTrue(e.text().contains("CUBLAS_STATUS_NOT_INITIALIZED"), e.text());
        }
    }

    @Test
    void cudnnCreateFailsWithCudnnText() {
        requireNoGpu();
        NativeTestSupport.requireInstalled(CudaLibrary.CUDNN);
        assertEquals(9, cudnn_h.cudnnGetVersion() / 10000);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ValueLayout.ADDRESS);
            CudaException e = assertThrows(CudaException.class,
                    () -> CudaStatus.checkCudnn(cudnn_h.cudnnCreate(handle), "cudnnCreate"));
            assertEquals(1001, e.code());
            assertEquals("cudnnCreate", e.function());
            assertTrue(e.text().startsWith("CUDNN_STATUS_NOT_INITIALIZED"), e.text());
        }
    }

    @Test
    void missingDriverIsNoGpuNotACrash() {
        CudaLibraries.Loaded driver = CudaLibraries.get().library(CudaLibrary.DRIVER);
        if (driver.ok()) abort("libcuda.so.1 is installed here: " + driver.path().orElseThrow());
        NoGpuException e = assertThrows(NoGpuException.class, () -> CudaLibraries.get().require(CudaLibrary.DRIVER));
        assertEquals("libcuda.so.1", e.library());
        assertTrue(e.getMessage().contains("no NVIDIA driver"), e.getMessage());
        assertInstanceOf(CudaException.class, e);
        assertEquals("CUresult 100", CudaStatus.driverErrorText(100));
    }
}
