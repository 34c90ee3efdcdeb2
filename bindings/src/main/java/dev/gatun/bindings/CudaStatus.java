package dev.gatun.bindings;

import dev.gatun.bindings.cublas.cublas_h;
import dev.gatun.bindings.cuda.driver.cuda_h;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.bindings.cudnn.cudnn_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns status codes into exceptions carrying the library's own error text. One method per
 * library; each names the function that failed. Codes that mean "no driver / no device" become
 * {@link NoGpuException}.
 */
public final class CudaStatus {
    /** cudaErrorInsufficientDriver: no driver, or one too old for this runtime. */
    public static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
    /** cudaErrorNoDevice. */
    public static final int CUDA_ERROR_NO_DEVICE = 100;
    /** CUDA_ERROR_NO_DEVICE in the driver API. */
    public static final int CU_ERROR_NO_DEVICE = 100;

    private CudaStatus() {}

    /** CUDA runtime: throws unless {@code status} is cudaSuccess. */
    public static void checkRuntime(int status, String function) {
        if (status == 0) return;
        String text = runtimeErrorText(status);
        String lib = CudaLibrary.CUDART.soname();
        if (status == CUDA_ERROR_INSUFFICIENT_DRIVER || status == CUDA_ERROR_NO_DEVICE) {
            throw new NoGpuException(lib, function, status, text);
        }
        throw new CudaException(lib, function, status, text);
    }

    /** cuBLAS: throws unless {@code status} is CUBLAS_STATUS_SUCCESS. */
    public static void checkCublas(int status, String function) {
        if (status == 0) return;
        throw new CudaException(CudaLibrary.CUBLAS.soname(), function, status, cublasErrorText(status));
    }

    /** cuDNN: throws unless {@code status} is CUDNN_STATUS_SUCCESS. */
    public static void checkCudnn(int status, String function) {
        if (status == 0) return;
        throw new CudaException(CudaLibrary.CUDNN.soname(), function, status, cudnnErrorText(status));
    }

    /** Driver API: throws unless {@code status} is CUDA_SUCCESS. */
    public static void checkDriver(int status, String function) {
        if (status == 0) return;
        String text = driverErrorText(status);
        String lib = CudaLibrary.DRIVER.soname();
        if (status == CU_ERROR_NO_DEVICE) throw new NoGpuException(lib, function, status, text);
        throw new CudaException(lib, function, status, text);
    }

    /** "cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version". */
    public static String runtimeErrorText(int status) {
        if (!CudaLibraries.get().isLoaded(CudaLibrary.CUDART)) return "cudaError " + status;
        return string(cudart_h.cudaGetErrorName(status)) + ": " + string(cudart_h.cudaGetErrorString(status));
    }

    /** "CUBLAS_STATUS_NOT_INITIALIZED: the library was not initialized". */
    public static String cublasErrorText(int status) {
        if (!CudaLibraries.get().isLoaded(CudaLibrary.CUBLAS)) return "cublasStatus " + status;
        return string(cublas_h.cublasGetStatusName(status)) + ": " + string(cublas_h.cublasGetStatusString(status));
    }

    /** cuDNN's text, e.g. "CUDNN_STATUS_NOT_INITIALIZED". */
    public static String cudnnErrorText(int status) {
        if (!CudaLibraries.get().isLoaded(CudaLibrary.CUDNN)) return "cudnnStatus " + status;
        return string(cudnn_h.cudnnGetErrorString(status));
    }

    /** The driver's name and text for a CUresult. */
    public static String driverErrorText(int status) {
        if (!CudaLibraries.get().isLoaded(CudaLibrary.DRIVER)) return "CUresult " + status;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ValueLayout.ADDRESS);
            String name = cuda_h.cuGetErrorName(status, p) == 0 ? string(p.get(ValueLayout.ADDRESS, 0)) : "CUresult " + status;
            String text = cuda_h.cuGetErrorString(status, p) == 0 ? string(p.get(ValueLayout.ADDRESS, 0)) : "unknown";
            return name + ": " + text;
        }
    }

    private static String string(MemorySegment cString) {
        if (cString.equals(MemorySegment.NULL)) return "(no text)";
        return cString.reinterpret(4096).getString(0);
    }
}
