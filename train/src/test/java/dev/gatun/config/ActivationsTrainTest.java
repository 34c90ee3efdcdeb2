package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.EpochMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, rough edge 10: GELU, LeakyReLU, ELU, SiLU, softplus and softmax exist as layers (their
 * gradients are checked against finite differences in core's {@code GradientTest}); each trains a
 * network from a config.
 */
class ActivationsTrainTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    @TempDir
    Path runs;

    @ParameterizedTest
    @ValueSource(strings = {"{type: gelu}", "{type: gelu, approximate: tanh}", "{type: leaky_relu, slope: 0.1}",
        "{type: elu, alpha: 1.0}", "{type: silu}", "{type: softplus}", "{type: softmax}"})
    void eachActivationTrainsFromAConfig(String layer) throws IOException {
        String yaml = "name: act\nseed: 3\n"
                + "data: {source: synthetic, kind: blobs, n: 300, centers: 3, validation: 0.2}\n"
                + "model: {layers: [{type: dense, units: 16}, " + layer + ", {type: dense, units: 3}]}\n"
                + "optimizer: {type: adam, lr: 0.05}\n"
                + "training: {epochs: 8, batch: 32}\n";
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test"), "act");
        assertTrue(c.normalized().toString().contains(layer.replaceAll("[{} ]", "").split(",")[0].replace("type:",
                "\"type\":\"") + "\""), c.normalized().toString());

        List<EpochMetrics> h = ExperimentRunner.run(c, runs, QUIET).history();

        assertTrue(h.getLast().trainLoss() < 0.6 * h.getFirst().trainLoss(), layer + ": " + h);
        assertTrue(h.stream().mapToDouble(EpochMetrics::valAccuracy).max().orElse(0) > 0.8, layer + ": " + h);
    }
}
