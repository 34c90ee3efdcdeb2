package dev.gatun.backend;

import dev.gatun.device.DeviceRuntimes;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one place a backend is chosen.
 *
 * <p>{@code -Dgatun.backend=scalar|cpu|cuda|fake} forces a choice; otherwise the best available
 * one (cpu) is used. The scalar reference backend is always present. The choice is logged once.
 *
 * <p>The chosen backend also names the {@link #device() device} models and batches go to. Ops
 * run on the backend of their tensors' device ({@link #of}): host tensors on the chosen host
 * backend (cpu when a device backend was chosen), CUDA tensors on the CUDA backend, fake-device
 * tensors on the fake one, so that data loading and metrics stay on the host while the model
 * computes on the device.
 */
public final class BackendRegistry {
    /** System property that forces a backend. */
    public static final String PROPERTY = "gatun.backend";

    private static final System.Logger LOG = System.getLogger("dev.gatun.backend");
    private static final Map<String, Supplier<Backend>> FACTORIES = new LinkedHashMap<>();
    private static volatile Backend current;

    static {
        FACTORIES.put("scalar", ScalarBackend::new);
        FACTORIES.put("cpu", BackendRegistry::cpu);
        FACTORIES.put("cuda", () -> DeviceRuntimes.provider(Device.Kind.CUDA).backend(0));
        FACTORIES.put("fake", () -> FakeDeviceBackend.create(Device.fake()));
    }

    private static final Map<Device, Backend> DEVICE_BACKENDS = new java.util.concurrent.ConcurrentHashMap<>();

    private BackendRegistry() {}

    /** {@return the names of the registered backends} */
    public static synchronized java.util.Set<String> names() {
        return java.util.Set.copyOf(FACTORIES.keySet());
    }

    /** {@return the backend in use, chosen on first call} */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (BackendRegistry.class) {
                if (current == null) {
                    String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
                    current = create(forced.isEmpty() ? defaultName() : forced);
                    LOG.log(System.Logger.Level.INFO, "gatun backend: " + current.description()
                            + (forced.isEmpty() ? " (default)" : " (forced by -D" + PROPERTY + ")"));
                }
                b = current;
            }
        }
        return b;
    }

    /**
     * The backend that runs ops on {@code t}: the one of its device (all host tensors share one).
     *
     * @param t the tensor an op runs on
     * @return the backend of t's device
     */
    public static Backend of(Tensor t) {
        t.checkAlive();
        Device d = t.device();
        if (d.isHost()) {
            Backend b = current();
            return b.device().isHost() ? b : DEVICE_BACKENDS.computeIfAbsent(Device.CPU, k -> create(defaultName()));
        }
        Backend b = current();
        if (b.device().equals(d)) {
            return b;
        }
        return DEVICE_BACKENDS.computeIfAbsent(d, k -> k.kind() == Device.Kind.FAKE
                ? FakeDeviceBackend.create(k) : DeviceRuntimes.provider(k.kind()).backend(k.index()));
    }

    /** The best host backend: cpu with the Vector API, else scalar. */
    static String defaultName() {
        return VectorApi.AVAILABLE ? "cpu" : "scalar";
    }

    private static Backend cpu() {
        if (!VectorApi.AVAILABLE) {
            throw new IllegalStateException("the cpu backend needs the Vector API: " + VectorApi.HOW_TO_ENABLE);
        }
        return new CpuBackend();
    }

    /**
     * {@return the device the chosen backend computes on: where trainers put models and batches}
     */
    public static Device device() {
        return current().device();
    }

    /**
     * Switches the backend for the rest of the process (samples' {@code --backend}); logs the change.
     *
     * @param name the backend's name: scalar, cpu or cuda
     * @return the backend now in use
     */
    public static synchronized Backend use(String name) {
        Backend b = create(name);
        current = b;
        LOG.log(System.Logger.Level.INFO, "gatun backend: " + b.description() + " (selected)");
        return b;
    }

    /**
     * As {@link #use(String)}, the backend created with TF32 products allowed when
     * {@code precision} is TF32 ({@value Precision#TF32_PROPERTY} on while it is created, since CUDA
     * reads it once then) and as the property says otherwise.
     *
     * @param name the backend's name: scalar, cpu or cuda
     * @param precision the run's precision
     * @return the backend now in use
     */
    public static synchronized Backend use(String name, Precision precision) {
        if (precision != Precision.TF32 || Boolean.getBoolean(Precision.TF32_PROPERTY)) {
            return use(name);
        }
        String before = System.setProperty(Precision.TF32_PROPERTY, "true");
        try {
            return use(name);
        } finally {
            if (before == null) {
                System.clearProperty(Precision.TF32_PROPERTY);
            } else {
                System.setProperty(Precision.TF32_PROPERTY, before);
            }
        }
    }

    /**
     * A new instance of the named backend, or an error listing the known names.
     *
     * @param name the backend's name: scalar, cpu or cuda
     * @return a new backend instance
     */
    public static synchronized Backend create(String name) {
        Supplier<Backend> f = FACTORIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + String.join(", ", FACTORIES.keySet()));
        }
        return f.get();
    }

    /** Whether jdk.incubator.vector is loaded; without it the cpu backend's classes cannot link. */
    private static final class VectorApi {
        static final String HOW_TO_ENABLE = "start java with --add-modules jdk.incubator.vector"
                + " (or put Gatun on the module path, which resolves it)";
        static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

        static {
            if (!AVAILABLE) {
                LOG.log(System.Logger.Level.WARNING, "gatun: jdk.incubator.vector is not loaded, so the fast cpu"
                        + " backend is off and the scalar one runs; to get the cpu backend, " + HOW_TO_ENABLE);
            }
        }
    }
}
