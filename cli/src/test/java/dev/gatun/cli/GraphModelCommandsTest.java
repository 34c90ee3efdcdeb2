package dev.gatun.cli;

import static dev.gatun.cli.TrainEvalPredictTest.number;
import static dev.gatun.cli.TrainEvalPredictTest.onlyRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graph config through the command line: train, resume to the same bits, eval, predict and export. */
class GraphModelCommandsTest {
    /** Two branches joined by add, a residual block, dropout and batch norm, then concat with the input. */
    private static final String GRAPH = """
            name: graph
            seed: 8
            data: {source: synthetic, kind: moons, n: 240, noise: 0.15, validation: 0, test: 0.25,
                   preprocessing: [standardize]}
            model:
              layers:
                - {type: dense, units: 12, name: left}
                - {type: tanh, name: l}
                - {type: dense, units: 12, inputs: [input], name: right}
                - {type: batchnorm, name: r}
                - {type: add, inputs: [l, r]}
                - type: residual
                  name: block
                  layers: [{type: dense, units: 12}, {type: relu}, {type: dropout, p: 0.1}]
                - {type: concat, inputs: [block, input]}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.02}
            training: {epochs: 6, batch: 16}
            """;

    @TempDir
    Path dir;

    @Test
    void aGraphConfigTrainsResumesToTheSameBitsAndEvaluatesPredictsAndExports() throws IOException {
        Path config = Files.writeString(dir.resolve("graph.yaml"), GRAPH);
        CliRun whole = CliRun.of("train", config.toString(), "--runs", dir.resolve("whole").toString());
        assertEquals(0, whole.exitCode(), whole.err());
        double accuracy = number(whole.out(), "test accuracy: ([0-9.]+)");
        assertTrue(accuracy >= 0.9, whole.out());

        CliRun first = CliRun.of("train", config.toString(), "--runs", dir.resolve("split").toString(), "--epochs", "4",
                "--set", "training.checkpoint_every=1");
        assertEquals(0, first.exitCode(), first.err());
        Path run = onlyRun(dir.resolve("split"));
        CliRun more = CliRun.of("train", "--resume", run.toString(), "--epochs", "6");
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("resumed from"), more.out());
        assertArrayEquals(Files.readAllBytes(onlyRun(dir.resolve("whole")).resolve("model.safetensors")),
                Files.readAllBytes(run.resolve("model.safetensors")), "4 epochs and a resume to 6 equal 6 at once");

        CliRun eval = CliRun.of("eval", run.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertEquals(accuracy, number(eval.out(), "\naccuracy: ([0-9.]+)"), 1e-4, eval.out());

        Path export = dir.resolve("export");
        CliRun exported = CliRun.of("export", run.toString(), export.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        CliRun evalExport = CliRun.of("eval", export.toString());
        assertEquals(0, evalExport.exitCode(), evalExport.err());
        assertEquals(accuracy, number(evalExport.out(), "\naccuracy: ([0-9.]+)"), 1e-4, evalExport.out());

        Path csv = Files.writeString(dir.resolve("points.csv"), "x0,x1,label\n-1.0,0.2,0\n2.0,0.3,1\n0.5,-0.3,1\n");
        CliRun fromRun = CliRun.of("predict", run.toString(), csv.toString(), "--label", "label");
        CliRun fromExport = CliRun.of("predict", export.toString(), csv.toString(), "--label", "label");
        assertEquals(0, fromRun.exitCode(), fromRun.err());
        List<String> rows = fromRun.out().lines().toList();
        assertEquals(4, rows.size(), fromRun.out());
        assertEquals("example,predicted,class,probability", rows.getFirst());
        assertEquals(fromRun.out(), fromExport.out());
    }
}
