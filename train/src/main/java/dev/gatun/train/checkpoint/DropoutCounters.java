package dev.gatun.train.checkpoint;

import dev.gatun.nn.Dropout;
import dev.gatun.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dropout layers of a model by dotted path ({@code 2}, {@code 0.3}, {@code 4.body.1}), whose
 * mask counters are the model's random state: the same paths as parameter names, so a dropout in
 * a Sequential, a Graph or a residual block is found.
 */
final class DropoutCounters {
    private DropoutCounters() {}

    /** Every dropout among the model's descendants, in registration order. */
    static Map<String, Dropout> of(Module model) {
        Map<String, Dropout> out = new LinkedHashMap<>();
        collect("", model, out);
        return out;
    }

    private static void collect(String path, Module m, Map<String, Dropout> out) {
        if (m instanceof Dropout d) {
            out.put(path.isEmpty() ? "." : path, d);
        } else {
            for (Map.Entry<String, Module> child : m.namedChildren().entrySet()) {
                collect(path.isEmpty() ? child.getKey() : path + "." + child.getKey(), child.getValue(), out);
            }
        }
    }
}
