/**
 * The CUDA device: its memory and stream ({@link dev.gatun.cuda.CudaContext}) and its backend
 * ({@link dev.gatun.cuda.CudaBackend}: cuBLAS, cuDNN and the committed PTX kernels). The core finds
 * it through {@link dev.gatun.device.DeviceProvider}; nothing needs to name it.
 */
module dev.gatun.cuda {
    requires dev.gatun.bindings;
    requires dev.gatun.core;
    requires dev.gatun.kernels;

    exports dev.gatun.cuda;

    provides dev.gatun.device.DeviceProvider with dev.gatun.cuda.CudaDeviceProvider;
}
