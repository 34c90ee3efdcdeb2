/**
 * GPU groundwork that runs without a GPU: device memory behind a small SPI ({@link
 * dev.gatun.device.DeviceMemory}) with a host-backed {@link dev.gatun.device.FakeDevice} for tests
 * and {@link dev.gatun.device.CudaDeviceMemory} for real devices, a {@link
 * dev.gatun.device.CachingAllocator} on top of either, and the committed PTX kernels ({@link
 * dev.gatun.device.PtxKernels}) with their driver-API loader ({@link dev.gatun.device.PtxModule}).
 */
package dev.gatun.device;
