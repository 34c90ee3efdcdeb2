package dev.gatun.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a run folder holds a finished run, read from the files a run writes: {@code config.json}
 * when it starts, {@code metrics.json} after each epoch and {@code model.safetensors} once it has
 * finished. A folder with the first but not the last is a run that failed (or was killed, or is
 * still going), and its metrics are not those of a saved model.
 */
final class RunCompletion {
    /** Written when a run starts: it marks the folder as a run's. */
    static final String CONFIG = "config.json";
    /** Written when a run has finished. */
    static final String WEIGHTS = "model.safetensors";

    private RunCompletion() {}

    /**
     * Why the run in {@code folder} did not finish; empty when it finished, or when the folder was
     * not made by a run (a hand-made metrics folder is taken as it is).
     *
     * @param folder the run folder
     * @return the reason, e.g. {@code no model.safetensors: it stopped after epoch 3}
     */
    static Optional<String> failure(Path folder) {
        if (!Files.isRegularFile(folder.resolve(CONFIG)) || Files.isRegularFile(folder.resolve(WEIGHTS))) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(folder.resolve(RunMetrics.FILE))) {
            return Optional.of("no " + RunMetrics.FILE + ": it stopped before its first epoch ended");
        }
        int epochs;
        try {
            epochs = RunMetrics.read(folder).epochs().size();
        } catch (IllegalArgumentException e) {
            return Optional.of("no " + WEIGHTS + ", and " + e.getMessage());
        }
        return Optional.of("no " + WEIGHTS + ": it stopped after epoch " + epochs
                + " (failed, killed or still running)");
    }
}
