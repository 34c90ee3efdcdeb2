package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gatun train --init-from / --fresh-head and gatun export, from the committed spirals MLP. */
class FineTuneCommandTest {
    private static final Path SPIRALS = (Files.isDirectory(Path.of("..", "pretrained")) ? Path.of("..", "pretrained")
            : Path.of("pretrained")).resolve("spirals-mlp").toAbsolutePath();

    @TempDir
    Path runs;

    @Test
    void finetunesMoonsFromTheSpiralsMlpWithAFrozenLayerAndAFreshHeadThenExportsIt() throws IOException {
        CliRun train = CliRun.of("train", CliRun.CONFIGS.resolve("moons.yaml").toString(), "--runs", runs.toString(),
                "--epochs", "4", "--set", "model.layers[0].units=64", "--set", "model.layers[2].units=64",
                "--set", "model.layers[0].trainable=false", "--init-from", SPIRALS.toString(), "--fresh-head");
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("frozen layers 0 (dense): 4290 parameters trained, 192 frozen"), train.out());
        assertTrue(train.out().contains("weights from " + SPIRALS + ", fresh layers: 4 (dense)"), train.out());
        Path run;
        try (Stream<Path> s = Files.list(runs)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String metrics = Files.readString(run.resolve("metrics.json"));
        assertTrue(metrics.contains("\"init_from\": \"" + SPIRALS + "\"") && metrics.contains("\"frozen_layers\": \"0 (dense)\""),
                metrics);

        Path export = runs.resolve("export");
        CliRun exported = CliRun.of("export", run.toString(), export.toString(), "--config", "moons.yaml");
        assertEquals(0, exported.exitCode(), exported.err());
        for (String f : List.of("config.json", "model.json", "model.safetensors", "report.md", "accuracy.json")) {
            assertTrue(Files.isRegularFile(export.resolve(f)), f);
        }
        double trained = number(train.out(), "test accuracy: ([0-9.]+)");
        CliRun eval = CliRun.of("eval", export.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertEquals(trained, number(eval.out(), "\naccuracy: ([0-9.]+)"), 1e-4, eval.out());
        assertTrue(Files.readString(export.resolve("report.md")).contains("| init from | " + SPIRALS + " |"));
    }

    @Test
    void aModelThatDoesNotFitFailsInOneLineNamingTheLayerAndBothShapes() throws IOException {
        CliRun train = CliRun.of("train", CliRun.CONFIGS.resolve("moons.yaml").toString(), "--runs", runs.toString(),
                "--init-from", SPIRALS.toString());
        assertEquals(1, train.exitCode(), train.out());
        assertEquals("gatun train: model.layers[0] (dense): weight is [64, 2] in " + SPIRALS + " but [32, 2] in the "
                + "config; list the layer in init.fresh (--fresh-head for the last) to start it fresh\n", train.err());
        try (Stream<Path> s = Files.list(runs)) {
            assertEquals(0, s.filter(Files::isDirectory).count(), "no run folder is left behind");
        }
    }

    @Test
    void freshHeadNeedsInitFromAndResumeTakesNeither() {
        CliRun fresh = CliRun.of("train", CliRun.CONFIGS.resolve("moons.yaml").toString(), "--runs", runs.toString(),
                "--fresh-head");
        assertEquals(2, fresh.exitCode());
        assertTrue(fresh.err().contains("--fresh-head needs --init-from RUN"), fresh.err());
        CliRun resume = CliRun.of("train", "--resume", runs.toString(), "--init-from", SPIRALS.toString());
        assertEquals(2, resume.exitCode());
        assertTrue(resume.err().contains("--init-from"), resume.err());
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), text);
        return Double.parseDouble(m.group(1));
    }
}
