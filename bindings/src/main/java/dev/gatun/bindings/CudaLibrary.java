package dev.gatun.bindings;

import java.util.List;

/** The native libraries the GPU backend and GPU collectives use, with the file names that are opened by absolute path. */
public enum CudaLibrary {
    /** CUDA runtime API. */
    CUDART("libcudart.so.13", List.of("libcudart.so.13", "libcudart.so")),
    /** cuBLAS; it opens libcublasLt.so.13 from its own directory ($ORIGIN). */
    CUBLAS("libcublas.so.13", List.of("libcublas.so.13", "libcublas.so")),
    /** cuDNN 9; it opens its sub-libraries (_graph, _ops, _cnn, _adv, _engines_*) from its own directory. */
    CUDNN("libcudnn.so.9", List.of("libcudnn.so.9", "libcudnn.so")),
    /** CUDA driver API; part of the NVIDIA driver, so absent on machines without one. */
    DRIVER("libcuda.so.1", List.of("libcuda.so.1", "libcuda.so")),
    /** NCCL 2, GPU collectives (the nvidia-nccl-cu13 wheel); opened only when asked for. */
    NCCL("libnccl.so.2", List.of("libnccl.so.2", "libnccl.so"));

    private final String soname;
    private final List<String> fileNames;

    CudaLibrary(String soname, List<String> fileNames) {
        this.soname = soname;
        this.fileNames = fileNames;
    }

    /** The versioned name the backend is built against, e.g. {@code libcudart.so.13}. */
    public String soname() {
        return soname;
    }

    /** File names accepted in a directory, preferred first. */
    public List<String> fileNames() {
        return fileNames;
    }
}
