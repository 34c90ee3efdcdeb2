package dev.gatun.report;

import dev.gatun.io.JsonStrings;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code histograms.json} in a run folder: per epoch, the weight and gradient histogram of each
 * parameter, {@code {"epochs": [{"epoch": 1, "layers": [{"name", "kind", "min", "max",
 * "counts"}]}]}}. Bounds are written with Java's shortest round-trip spelling, so they read back
 * bit for bit.
 */
public final class HistogramsFile {
    /** The file's name in a run folder. */
    public static final String FILE = "histograms.json";

    /**
     * The histograms recorded after one epoch.
     *
     * @param epoch the epoch, 1-based
     * @param layers one histogram per parameter and kind
     */
    public record EpochHistograms(int epoch, List<Histogram> layers) {
        /** Copies the list of histograms. */
        public EpochHistograms {
            layers = List.copyOf(layers);
        }
    }

    private HistogramsFile() {}

    /**
     * Replaces {@code histograms.json} in the folder atomically.
     *
     * @param folder the run folder
     * @param epochs every epoch's histograms
     * @return the file written
     * @throws IOException when the file cannot be written
     */
    public static Path write(RunFolder folder, List<EpochHistograms> epochs) throws IOException {
        return folder.writeAtomically(FILE, json(epochs).getBytes(StandardCharsets.UTF_8));
    }

    /** The file's content. */
    static String json(List<EpochHistograms> epochs) {
        StringBuilder sb = new StringBuilder("{\n  \"epochs\": [");
        String epochSep = "\n";
        for (EpochHistograms e : epochs) {
            sb.append(epochSep).append("    {\"epoch\": ").append(e.epoch()).append(", \"layers\": [");
            String layerSep = "\n";
            for (Histogram h : e.layers()) {
                sb.append(layerSep).append("      {\"name\": ").append(JsonStrings.quote(h.name(), true))
                        .append(", \"kind\": ").append(JsonStrings.quote(h.kind(), true))
                        .append(", \"min\": ").append(h.min()).append(", \"max\": ").append(h.max())
                        .append(", \"counts\": [");
                long[] counts = h.counts();
                for (int i = 0; i < counts.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(counts[i]);
                }
                sb.append("]}");
                layerSep = ",\n";
            }
            sb.append(e.layers().isEmpty() ? "" : "\n    ").append("]}");
            epochSep = ",\n";
        }
        return sb.append(epochs.isEmpty() ? "" : "\n  ").append("]\n}\n").toString();
    }

    /**
     * Reads {@code folder/histograms.json}.
     *
     * @param folder the run folder
     * @return every epoch's histograms, in file order
     * @throws IllegalArgumentException naming the file and the JSON path of a malformed entry
     */
    public static List<EpochHistograms> read(Path folder) {
        Path file = folder.resolve(FILE);
        JsonNode root = JsonFile.read(folder, FILE);
        JsonNode epochsNode = root == null ? null : root.get("epochs");
        if (epochsNode == null || !epochsNode.isArray()) {
            throw new IllegalArgumentException(file + ": \"epochs\" must be an array");
        }
        List<EpochHistograms> epochs = new ArrayList<>();
        for (int i = 0; i < epochsNode.size(); i++) {
            JsonNode e = epochsNode.get(i);
            String where = file + ": epochs[" + i + "]";
            if (!e.path("epoch").isIntegralNumber() || !e.path("epoch").canConvertToInt() || !e.path("layers").isArray()) {
                throw new IllegalArgumentException(where + ": expected {\"epoch\": integer, \"layers\": [...]}");
            }
            List<Histogram> layers = new ArrayList<>();
            JsonNode layersNode = e.get("layers");
            for (int j = 0; j < layersNode.size(); j++) {
                layers.add(histogram(layersNode.get(j), where + ".layers[" + j + "]"));
            }
            epochs.add(new EpochHistograms(e.get("epoch").intValue(), layers));
        }
        return epochs;
    }

    private static Histogram histogram(JsonNode h, String where) {
        if (!h.path("name").isString() || !h.path("kind").isString() || !h.path("min").isNumber()
                || !h.path("max").isNumber() || !h.path("counts").isArray()) {
            throw new IllegalArgumentException(where + ": expected name, kind, min, max and counts");
        }
        JsonNode countsNode = h.get("counts");
        long[] counts = new long[countsNode.size()];
        for (int k = 0; k < counts.length; k++) {
            if (!countsNode.get(k).isIntegralNumber() || !countsNode.get(k).canConvertToLong()
                    || countsNode.get(k).longValue() < 0) {
                throw new IllegalArgumentException(where + ".counts[" + k + "]: expected a count >= 0, got "
                        + countsNode.get(k));
            }
            counts[k] = countsNode.get(k).longValue();
        }
        try {
            return new Histogram(h.get("name").asString(), h.get("kind").asString(),
                    h.get("min").doubleValueOpt().orElse(Double.NaN), h.get("max").doubleValueOpt().orElse(Double.NaN),
                    counts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
