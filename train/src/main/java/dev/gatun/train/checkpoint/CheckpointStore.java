package dev.gatun.train.checkpoint;

import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The writes a {@link CheckpointCallback} makes to disk, in one place so that tests can fail them
 * the way a full or read-only disk does, which a test running as root cannot arrange for real.
 */
interface CheckpointStore {
    /** The file system: {@link RunFolder#probeWrite} and {@link Checkpoint#save}. */
    CheckpointStore FILES = new CheckpointStore() {
        @Override
        public void probeWrite(Path dir) throws IOException {
            RunFolder.probeWrite(dir);
        }

        @Override
        public Path save(Path runDir, Trainer trainer, JsonNode modelConfig, Map<String, Long> seeds)
                throws IOException {
            return Checkpoint.save(runDir, trainer, modelConfig, seeds);
        }
    };

    /** Creates and deletes a file in {@code dir}. */
    void probeWrite(Path dir) throws IOException;

    /** Saves the trainer's run as {@link Checkpoint#save} does. */
    Path save(Path runDir, Trainer trainer, JsonNode modelConfig, Map<String, Long> seeds) throws IOException;
}
