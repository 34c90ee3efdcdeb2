package dev.gatun.cuda;

import dev.gatun.backend.Backend;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.device.DeviceProvider;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;

/** CUDA devices: {@link CudaContext} is the memory, {@link CudaBackend} the program. */
public final class CudaDeviceProvider implements DeviceProvider {
    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public CudaDeviceProvider() {}

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public String unavailable() {
        GpuAvailability gpu = Gpu.availability();
        return gpu.available() ? null : "no GPU: " + gpu.reason();
    }

    @Override
    public DeviceRuntime runtime(int index) {
        return CudaContext.of(index);
    }

    @Override
    public Backend backend(int index) {
        return new CudaBackend(index);
    }

    @Override
    public String refusal(DType dtype) {
        return dtype == DType.FLOAT64 ? "the cuda backend computes in float32 (and int32); convert it on the host"
                + " first with to(DType.FLOAT32)" : null;
    }
}
