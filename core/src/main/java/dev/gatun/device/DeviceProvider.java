package dev.gatun.device;

import dev.gatun.backend.Backend;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;

/**
 * A kind of device, found with {@link java.util.ServiceLoader}: its memory ({@link DeviceRuntime})
 * and its program ({@link Backend}). The CUDA module provides one; the fake device is built in.
 */
public interface DeviceProvider {
    /** {@return the device kind served} */
    Device.Kind kind();

    /**
     * Null when a device of this kind can be opened here, else why not, in one line ("no GPU: ...").
     *
     * @return null when a device of this kind can be opened here, else why not, in one line ("no
     *     GPU: ...")
     */
    String unavailable();

    /**
     * The runtime of device {@code index}, opened once and kept for the process.
     *
     * @param index the device number within the kind
     * @return the device's runtime
     */
    DeviceRuntime runtime(int index);

    /**
     * A backend computing on device {@code index}.
     *
     * @param index the device number within the kind
     * @return a backend for that device
     */
    Backend backend(int index);

    /**
     * Whether devices of this kind hold tensors of {@code dtype}; null if it does, else the reason it does
     * not, for the one-line refusal of a move or an allocation.
     *
     * @param dtype the element type
     * @return null when such devices hold dtype, else the reason they do not
     */
    default String refusal(DType dtype) {
        return null;
    }
}
