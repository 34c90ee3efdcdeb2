package dev.gatun.report;

import dev.gatun.tracking.HyperParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hyperparameters that differ between compared runs, from each run folder's
 * {@code config.json} flattened ({@code optimizer.lr}, {@code model.layers[0].units}): the
 * comparison's extra columns and its parallel-coordinates plot's axes. A run without a config has
 * none of them; the run's name, different by construction, is not one.
 *
 * @param names the differing hyperparameters, in the order they first appear
 * @param values each run folder's hyperparameters
 */
record HyperParameterColumns(List<String> names, Map<Path, Map<String, String>> values) {
    private static final String CONFIG = "config.json";

    /** Copies the names. */
    HyperParameterColumns {
        names = List.copyOf(names);
    }

    /** Reads the configs of {@code folders}; a config that is not JSON names its file. */
    static HyperParameterColumns of(List<Path> folders) throws IOException {
        Map<Path, Map<String, String>> values = new LinkedHashMap<>();
        for (Path f : folders) {
            Path file = f.resolve(CONFIG);
            Map<String, String> flat = Map.of();
            if (Files.isRegularFile(file)) {
                try {
                    flat = HyperParameters.flatten(JsonMapper.builder().build()
                            .readTree(Files.readString(file, StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + ": not JSON: " + e.getMessage(), e);
                }
            }
            values.put(f, flat);
        }
        Set<String> all = new LinkedHashSet<>();
        values.values().forEach(v -> all.addAll(v.keySet()));
        List<String> differing = new ArrayList<>();
        for (String k : all) {
            if (k.equals("name")) {
                continue;
            }
            String first = values.values().iterator().next().get(k);
            if (values.values().stream().anyMatch(v -> !Objects.equals(first, v.get(k)))) {
                differing.add(k);
            }
        }
        return new HyperParameterColumns(differing, values);
    }

    /** {@return the value of {@code name} in the run of {@code folder}; empty when it has none} */
    String value(Path folder, String name) {
        return values.getOrDefault(folder, Map.of()).getOrDefault(name, "");
    }
}
