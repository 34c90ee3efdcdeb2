package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, rough edge 1: a run's speed is its samples over its time, not the mean of the epochs' rates. */
class TrainingSpeedTest {
    private static final double NaN = Double.NaN;
    @TempDir
    Path dir;

    @Test
    void speedIsTotalSamplesOverTotalTime() throws IOException {
        // A slow first epoch (JIT warm-up) and two fast ones, as spirals showed: 3 × 28,800 samples.
        Path run = MetricsFixture.run(dir, "spirals-20260101-000000", "\"config\": \"spirals\"", new double[][] {
            {0.7, 0.5, 0.7, 0.5, 0.01, 1.5, 19200},
            {0.6, 0.6, 0.6, 0.6, 0.01, 0.2, 144000},
            {0.5, 0.7, 0.5, 0.7, 0.01, 0.2, 144000}}, null);
        RunMetrics m = RunMetrics.read(run);

        assertEquals(86400, m.totalSamples());
        assertEquals(86400 / 1.9, m.samplesPerSecond(), 1e-6);
        String html = Files.readString(RunReport.write(run));
        assertTrue(html.contains("Training time: 1.9 s in total for 86400 samples, 45473.7 samples/s on average."), html);
        // The mean of the rates, (19200 + 144000 + 144000) / 3, is what the report must not say.
        assertFalse(html.contains("102400"), html);
    }

    @Test
    void epochsWithoutARateOrTimeAreLeftOut() throws IOException {
        Path run = MetricsFixture.run(dir, "r", "", new double[][] {
            {0.7, 0.5, 0.7, 0.5, 0.01, 2.0, 500},
            {0.6, 0.6, 0.6, 0.6, 0.01, NaN, 9999},
            {0.6, 0.6, 0.6, 0.6, 0.01, 3.0, NaN}}, null);
        RunMetrics m = RunMetrics.read(run);

        assertEquals(1000, m.totalSamples());
        assertEquals(500, m.samplesPerSecond(), 1e-9);
        RunMetrics none = RunMetrics.read(MetricsFixture.run(dir, "none", "", new double[][] {
            {0.7, 0.5, 0.7, 0.5, 0.01, NaN, NaN}}, null));
        assertTrue(Double.isNaN(none.samplesPerSecond()));
    }
}
