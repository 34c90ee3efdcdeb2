/**
 * Device memory and kernels: a small memory SPI ({@link dev.gatun.device.DeviceMemory}) with a
 * host-backed {@link dev.gatun.device.FakeDevice} for tests and {@link
 * dev.gatun.cuda.CudaDeviceMemory} for real devices, a {@link dev.gatun.device.CachingAllocator}
 * on top of either, the committed PTX kernels ({@link dev.gatun.cuda.PtxKernels}) with their
 * driver-API loader ({@link dev.gatun.cuda.PtxModule}), and {@link dev.gatun.cuda.CudaContext},
 * which ties one device's memory, stream, cuBLAS and cuDNN handles and modules together.
 */
package dev.gatun.cuda;
