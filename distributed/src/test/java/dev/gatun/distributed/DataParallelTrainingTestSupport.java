package dev.gatun.distributed;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The single-process reference of {@link DistributedFaultsTest}'s resumed spirals run. */
final class DataParallelTrainingTestSupport {
    private DataParallelTrainingTestSupport() {}

    static ExperimentResult oneProcessSpirals(Path dir, int batch, int epochs) throws IOException {
        Path file = Files.writeString(dir.resolve("spirals-one.yaml"), """
                name: one-spirals
                seed: 7
                data: {source: synthetic, kind: spirals, n: 301, noise: 0.02, validation: 0.1, test: 0.2}
                model:
                  layers: [{type: dense, units: 16}, {type: tanh}, {type: dense, units: 2}]
                optimizer: {type: adam, lr: 0.02}
                """ + "training: {epochs: " + epochs + ", batch: " + batch + "}\n");
        ExperimentConfig c = ConfigLoader.load(file, Map.of()).getFirst();
        return ExperimentRunner.run(c, dir.resolve("one"), new PrintStream(OutputStream.nullOutputStream()));
    }
}
