package dev.gatun.train.checkpoint;

import dev.gatun.nn.Dropout;
import dev.gatun.nn.Module;
import dev.gatun.nn.Sequential;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dropout layers of a model by dotted path ({@code 2}, {@code 0.3}), whose mask counters are
 * the model's random state. {@link Module} does not list its children, so the search descends
 * through {@link Sequential}s only; a dropout inside another composite module is not found (and
 * a resumed run would redraw its masks from the start).
 */
final class DropoutCounters {
    private DropoutCounters() {}

    /** Every dropout reachable through Sequentials, in layer order. */
    static Map<String, Dropout> of(Module model) {
        Map<String, Dropout> out = new LinkedHashMap<>();
        collect("", model, out);
        return out;
    }

    private static void collect(String path, Module m, Map<String, Dropout> out) {
        if (m instanceof Dropout d) {
            out.put(path.isEmpty() ? "." : path, d);
        } else if (m instanceof Sequential s) {
            List<Module> layers = s.layers();
            for (int i = 0; i < layers.size(); i++) {
                collect(path.isEmpty() ? Integer.toString(i) : path + "." + i, layers.get(i), out);
            }
        }
    }
}
