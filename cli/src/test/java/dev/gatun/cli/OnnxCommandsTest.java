package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gatun export --format onnx and gatun import, from the committed spirals MLP: the imported run evaluates the same. */
class OnnxCommandsTest {
    private static final Path SPIRALS = (Files.isDirectory(Path.of("..", "pretrained")) ? Path.of("..", "pretrained")
            : Path.of("pretrained")).resolve("spirals-mlp").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void exportsToOnnxAndImportsBackToARunThatEvaluatesTheSame() throws IOException {
        Path onnx = dir.resolve("spirals.onnx");
        CliRun export = CliRun.of("export", SPIRALS.toString(), "--format", "onnx", "--out", onnx.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("exported " + SPIRALS + " to " + onnx + " (ONNX, "), export.out());

        Path run = dir.resolve("imported");
        Path data = dir.resolve("data.yaml");
        Files.writeString(data, "data: {source: synthetic, kind: spirals, n: 2000, noise: 0.02, validation: 0.1,"
                + " test: 0.2}\n");
        CliRun imported = CliRun.of("import", onnx.toString(), "--out", run.toString(), "--data", data.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        assertTrue(imported.out().contains("imported " + onnx + " to " + run + ": "), imported.out());

        CliRun before = CliRun.of("eval", SPIRALS.toString());
        CliRun after = CliRun.of("eval", run.toString());
        assertEquals(0, after.exitCode(), after.err());
        assertEquals(accuracy(before.out()), accuracy(after.out()), after.out());

        CliRun again = CliRun.of("export", run.toString(), "--format", "onnx", "--out", dir.resolve("again.onnx").toString());
        assertEquals(0, again.exitCode(), again.err());

        CliRun tuned = CliRun.of("train", CliRun.CONFIGS.resolve("pretrained").resolve("spirals-mlp.yaml").toString(),
                "--runs", dir.resolve("runs").toString(), "--epochs", "1", "--init-from", run.toString());
        assertEquals(0, tuned.exitCode(), tuned.err());
        assertTrue(tuned.out().contains("weights from " + run), tuned.out());
    }

    @Test
    void anImportedFashionMlpEvaluatesWithItsSavedStandardization() throws IOException {
        try {
            dev.gatun.data.FashionMnist.locate(null);
        } catch (java.io.FileNotFoundException e) {
            org.junit.jupiter.api.Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
        }
        Path mlp = SPIRALS.resolveSibling("fashion-mlp");
        Path onnx = dir.resolve("mlp.onnx");
        assertEquals(0, CliRun.of("export", mlp.toString(), "--format", "onnx", "--out", onnx.toString()).exitCode());
        Path run = dir.resolve("mlp");
        CliRun imported = CliRun.of("import", onnx.toString(), "--out", run.toString());
        assertEquals(0, imported.exitCode(), imported.err());
        assertEquals(accuracy(CliRun.of("eval", mlp.toString()).out()), accuracy(CliRun.of("eval", run.toString()).out()));
    }

    @Test
    void refusalsAreOneLineAndWriteNothing() throws IOException {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {(byte) 0xff, 0x13, 0x00});
        Path run = dir.resolve("never");
        CliRun imported = CliRun.of("import", bad.toString(), "--out", run.toString());
        assertEquals(1, imported.exitCode(), imported.out());
        assertTrue(imported.err().startsWith("gatun import: " + bad + ": not an ONNX model"), imported.err());
        assertEquals(1, imported.err().split("\n").length, imported.err());
        assertFalse(Files.exists(run));

        CliRun both = CliRun.of("export", SPIRALS.toString(), dir.resolve("d").toString(), "--format", "onnx");
        assertEquals(2, both.exitCode(), both.err());
    }

    private static String accuracy(String out) {
        Matcher m = Pattern.compile("\naccuracy: ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }
}
