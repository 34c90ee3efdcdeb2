package dev.gatun.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gatun.tracking.RunState;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecasting sample end to end: after three epochs the LSTM must forecast far better than
 * repeating the last value (test MSE about 0.035 here) and come near the noise floor (0.01); an
 * untrained or mis-differentiated network predicts about the mean, at MSE near the signal's
 * variance (~0.7).
 */
class SequenceSampleTest {
    @Test
    void forecastsBeatTheNaiveBaseline(@TempDir Path out) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        double mse;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            mse = SequenceSample.run(SequenceSample.parse(new String[] {"--epochs", "3", "--out", out.toString()}), ps);
        }
        String log = buf.toString(StandardCharsets.UTF_8);
        assertTrue(mse < 0.025, "test mse " + mse + " is not clearly below repeating the last value\n" + log);
        assertTrue(log.strip().endsWith(String.format(java.util.Locale.ROOT, "test mse: %.6f", mse)), log);
        assertTrue(log.contains("free-running forecast"), log);
        try (var runs = Files.list(out)) {
            Path run = runs.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(Files.readString(run.resolve("predictions.csv")).startsWith("t,truth,one_step,free_running"));
            assertTrue(Files.size(run.resolve("model.safetensors")) > 0);
            // The sample recorded itself in the tracking store of its --out folder.
            try (TrackingStore store = TrackingTarget.sqlite(out.resolve(TrackingTarget.SQLITE_FILE)).open()) {
                TrackedRun tracked = store.run(run.getFileName().toString()).orElseThrow();
                assertEquals(RunState.FINISHED, tracked.state());
                assertEquals("sequence", tracked.name());
                assertEquals(3, tracked.epochs().size());
                assertEquals(mse, tracked.finalMetrics().get("test_mse"), 1e-12);
                assertEquals("sequence", tracked.hyperparameters().get("sample"));
                assertTrue(tracked.hyperparameters().containsKey("lr"), tracked.hyperparameters().toString());
            }
        }
    }
}
