package dev.gatun.backend;

import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one place a backend is chosen.
 *
 * <p>{@code -Dgatun.backend=scalar|cpu|cuda} forces a choice; otherwise the best available one
 * (cpu) is used. The scalar reference backend is always present. The choice is logged once.
 */
public final class BackendRegistry {
    /** System property that forces a backend. */
    public static final String PROPERTY = "gatun.backend";

    private static final System.Logger LOG = System.getLogger("dev.gatun.backend");
    private static final Map<String, Supplier<Backend>> FACTORIES = new LinkedHashMap<>();
    private static volatile Backend current;

    static {
        FACTORIES.put("scalar", ScalarBackend::new);
        FACTORIES.put("cpu", CpuBackend::new);
    }

    private BackendRegistry() {}

    /** The names of the registered backends. */
    public static synchronized java.util.Set<String> names() {
        return java.util.Set.copyOf(FACTORIES.keySet());
    }

    /** The backend in use, chosen on first call. */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (BackendRegistry.class) {
                if (current == null) {
                    String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
                    current = create(forced.isEmpty() ? "cpu" : forced);
                    LOG.log(System.Logger.Level.INFO, "gatun backend: " + current.description()
                            + (forced.isEmpty() ? " (default)" : " (forced by -D" + PROPERTY + ")"));
                }
                b = current;
            }
        }
        return b;
    }

    /** The backend that runs ops on {@code t} (all host tensors share the current one). */
    public static Backend of(Tensor t) {
        t.checkAlive();
        return current();
    }

    /** Switches the backend for the rest of the process (samples' {@code --backend}); logs the change. */
    public static synchronized Backend use(String name) {
        Backend b = create(name);
        current = b;
        LOG.log(System.Logger.Level.INFO, "gatun backend: " + b.description() + " (selected)");
        return b;
    }

    /** A new instance of the named backend, or an error listing the known names. */
    public static synchronized Backend create(String name) {
        Supplier<Backend> f = FACTORIES.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + String.join(", ", FACTORIES.keySet())
                    + (name.equals("cuda") ? " (the CUDA backend is not built yet)" : ""));
        }
        return f.get();
    }
}
