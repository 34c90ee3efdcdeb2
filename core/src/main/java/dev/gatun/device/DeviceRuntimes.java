package dev.gatun.device;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of device kinds: the fake device, built in, and every {@link DeviceProvider} on the
 * module or class path (the CUDA module's), found once.
 */
public final class DeviceRuntimes {
    private static final Map<Device, DeviceRuntime> OPEN = new ConcurrentHashMap<>();
    private static volatile Map<Device.Kind, DeviceProvider> providers;

    private DeviceRuntimes() {}

    /**
     * The runtime of {@code device}, opened on first use; the host has none.
     *
     * @param device a non-host device
     * @return the device's runtime
     */
    public static DeviceRuntime of(Device device) {
        DeviceRuntime rt = OPEN.get(device);
        if (rt != null) {
            return rt;
        }
        if (device.isHost()) {
            throw new IllegalArgumentException("the host is not a device runtime: host memory belongs to scopes");
        }
        return OPEN.computeIfAbsent(device, d -> d.kind() == Device.Kind.FAKE
                ? new FakeDeviceRuntime() : provider(d.kind()).runtime(d.index()));
    }

    /**
     * Whether {@code device} is capturing a graph; false for the host and for a device not yet opened.
     *
     * @param device any device
     * @return whether a capture is under way on it
     */
    public static boolean isCapturing(Device device) {
        DeviceRuntime rt = OPEN.get(device);
        return rt != null && rt.isCapturing();
    }

    /**
     * Why {@code device} does not hold {@code dtype}, or null if it does; opens nothing.
     *
     * @param device the device asked to hold dtype
     * @param dtype the element type
     * @return the reason, or null
     */
    public static String refusal(Device device, DType dtype) {
        return device.kind() == Device.Kind.FAKE ? null : provider(device.kind()).refusal(dtype);
    }

    /**
     * The provider of {@code kind}, or an error saying which module provides it.
     *
     * @param kind the device kind
     * @return the kind's provider
     */
    public static DeviceProvider provider(Device.Kind kind) {
        DeviceProvider p = providers().get(kind);
        if (p == null) {
            throw new IllegalStateException("no provider of " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " devices: put the gatun-" + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " module on the module or class path");
        }
        return p;
    }

    /**
     * Null when a device of {@code kind} can be opened here, else why not: no provider module, or
     * the provider's reason (no driver, no device).
     *
     * @param kind the device kind
     * @return null when such a device can be opened, else the reason
     */
    public static String unavailable(Device.Kind kind) {
        if (kind == Device.Kind.FAKE || kind == Device.Kind.CPU) {
            return null;
        }
        DeviceProvider p = providers().get(kind);
        return p == null ? "no provider of " + kind.name().toLowerCase(java.util.Locale.ROOT) + " devices on the module"
                + " or class path" : p.unavailable();
    }

    /**
     * Whether a provider of {@code kind} is present (the fake device always is).
     *
     * @param kind the device kind
     * @return whether a provider of kind is present
     */
    public static boolean provides(Device.Kind kind) {
        return kind == Device.Kind.FAKE || providers().containsKey(kind);
    }

    private static Map<Device.Kind, DeviceProvider> providers() {
        Map<Device.Kind, DeviceProvider> p = providers;
        if (p == null) {
            synchronized (DeviceRuntimes.class) {
                if (providers == null) {
                    Map<Device.Kind, DeviceProvider> found = new EnumMap<>(Device.Kind.class);
                    for (DeviceProvider dp : ServiceLoader.load(DeviceProvider.class, DeviceRuntimes.class.getClassLoader())) {
                        found.putIfAbsent(dp.kind(), dp);
                    }
                    providers = found;
                }
                p = providers;
            }
        }
        return p;
    }
}
