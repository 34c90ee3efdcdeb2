package dev.gatun.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes run folders holding a metrics.json in the shared schema, as a finished run leaves them. */
final class MetricsFixture {
    private MetricsFixture() {}

    /**
     * A folder {@code parent/name} whose metrics.json has the given run facts (a JSON object body),
     * one epoch per row {train_loss, train_accuracy, val_loss, val_accuracy, lr, seconds,
     * samples_per_second} (NaN written as null) and the final object body, or none if null.
     */
    static Path run(Path parent, String name, String runFacts, double[][] rows, String finalBody) throws IOException {
        String[] names = {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "seconds",
            "samples_per_second"};
        StringBuilder sb = new StringBuilder("{\"run\": {").append(runFacts).append("}, \"epochs\": [");
        for (int e = 0; e < rows.length; e++) {
            sb.append(e == 0 ? "" : ", ").append("{\"epoch\": ").append(e + 1);
            for (int i = 0; i < names.length; i++) {
                double v = rows[e][i];
                sb.append(", \"").append(names[i]).append("\": ")
                        .append(Double.isFinite(v) ? String.format(Locale.ROOT, "%s", v) : "null");
            }
            sb.append('}');
        }
        sb.append(']');
        if (finalBody != null) {
            sb.append(", \"final\": {").append(finalBody).append('}');
        }
        sb.append('}');
        Path folder = Files.createDirectories(parent.resolve(name));
        Files.writeString(folder.resolve("metrics.json"), sb);
        return folder;
    }
}
