package dev.gatun.bindings;

import static org.junit.jupiter.api.Assumptions.abort;

/** Skips a test, with the reason, when a CUDA library is not installed. */
final class NativeTestSupport {
    private NativeTestSupport() {}

    static CudaLibraries.Loaded requireInstalled(CudaLibrary lib) {
        CudaLibraries.Loaded l = CudaLibraries.get().library(lib);
        if (!l.ok()) {
            String how = lib == CudaLibrary.DRIVER
                    ? "it comes with the NVIDIA driver"
                    : lib == CudaLibrary.NCCL
                    ? "run `make nccl-libs`, or set GATUN_CUDA_PIP to a site-packages dir with nvidia/nccl/lib"
                    : "run `make cuda-libs`, or set GATUN_CUDA_PIP to a site-packages dir with nvidia/*/lib, or GATUN_CUDA_LIBS";
            abort(lib.soname() + " is not installed here (" + l.problem().orElseThrow() + "); " + how + ".");
        }
        return l;
    }
}
