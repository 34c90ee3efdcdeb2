package dev.gatun.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence sample (on the cpu backend) stopped after epoch 2 and resumed with {@code --resume} ends with the same
 * model, byte for byte, as a run of 3 epochs straight, and its run folder holds the whole run:
 * metrics of all epochs, the final test results, checkpoints and the exported model.
 */
class SampleResumeTest {
    @TempDir
    Path dir;

    private static String run(String... args) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            SequenceSample.run(SequenceSample.parse(args), ps);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static Path only(Path parent) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), all.toString());
            return all.getFirst();
        }
    }

    @Test
    void resumedSampleEqualsTheStraightRun() throws IOException {
        // The cpu backend: its kernels give the same bits in every JIT tier (Simd.sum adds lanes in a
        // fixed order, VectorMath's exp/tanh/sigmoid use exact lane-wise arithmetic), so the runs
        // below, early and late in this JVM's compilation, agree bit for bit.
        run("--epochs", "3", "--backend", "cpu", "--limit", "400", "--out", dir.resolve("straight").toString());
        Path straight = only(dir.resolve("straight"));

        run("--epochs", "2", "--backend", "cpu", "--limit", "400", "--checkpoint-every", "1",
                "--out", dir.resolve("halves").toString());
        Path halves = only(dir.resolve("halves"));
        String log = run("--epochs", "3", "--backend", "cpu", "--limit", "400", "--checkpoint-every", "1",
                "--resume", halves.toString());
        assertTrue(log.contains("resumed from " + halves.resolve("checkpoints/epoch-0002").toAbsolutePath()
                + " after epoch 2"), log);
        assertTrue(log.contains("epoch 3/3") && !log.contains("epoch 1/3"), log);

        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(halves.resolve("model.safetensors")), "final weights differ");
        List<String> a = Files.readAllLines(straight.resolve("metrics.csv"));
        List<String> b = Files.readAllLines(halves.resolve("metrics.csv"));
        assertEquals(4, b.size(), "header and three epochs");
        for (int i = 0; i < a.size(); i++) {
            // epoch, train and validation metrics, lr; the timings differ.
            assertEquals(String.join(",", List.of(a.get(i).split(",")).subList(0, 6)),
                    String.join(",", List.of(b.get(i).split(",")).subList(0, 6)));
        }
        String json = Files.readString(halves.resolve("metrics.json"));
        assertTrue(json.contains("\"final\": {\n    \"test_loss\": "), json);
        assertTrue(json.contains("\"test_accuracy\": null") && json.contains("\"test_mse\": "), json);
        assertTrue(Files.readString(halves.resolve("config.json")).contains("\"sample\" : \"sequence\""));
        try (Stream<Path> s = Files.list(halves.resolve("checkpoints"))) {
            assertEquals(List.of("epoch-0002", "epoch-0003"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void resumingWithOtherOptionsIsRefused() throws IOException {
        run("--epochs", "1", "--limit", "200", "--checkpoint-every", "1", "--out", dir.toString());
        Path folder = only(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("--epochs", "2", "--limit", "200", "--lr", "0.01", "--resume", folder.toString()));
        assertTrue(e.getMessage().contains("lr 0.003 in the checkpoint but 0.01 now"), e.getMessage());
        assertThrows(java.io.FileNotFoundException.class,
                () -> run("--epochs", "2", "--resume", dir.resolve("nothing").toString()));
    }
}
