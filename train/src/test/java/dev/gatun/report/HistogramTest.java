package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histogram binning against hand counts, and histograms.json written and read back bit for bit. */
class HistogramTest {
    @TempDir
    Path dir;

    @Test
    void binsLikeNumpyWithTheMaximumInTheLastBin() {
        // Range [0, 4], 4 bins of width 1: [0,1) [1,2) [2,3) [3,4].
        Histogram h = Histogram.of("w", Histogram.WEIGHT, new double[] {0, 0.5, 1, 2.9, 3, 4, Double.NaN}, 4);
        assertEquals(0, h.min());
        assertEquals(4, h.max());
        assertArrayEquals(new long[] {2, 1, 1, 2}, h.counts());
        assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5}, h.binCentres());
    }

    @Test
    void equalValuesWidenTheRangeByAHalf() {
        Histogram h = Histogram.of("b", Histogram.GRAD, new double[] {2, 2, 2}, 3);
        assertEquals(1.5, h.min());
        assertEquals(2.5, h.max());
        assertArrayEquals(new long[] {0, 3, 0}, h.counts());
    }

    @Test
    void noFiniteValueGivesEmptyCounts() {
        Histogram h = Histogram.of("b", Histogram.GRAD, new double[] {Double.NaN, Double.POSITIVE_INFINITY}, 2);
        assertArrayEquals(new long[] {0, 0}, h.counts());
    }

    @Test
    void badKindAndBinsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Histogram.of("w", "bias", new double[] {1}, 2));
        assertTrue(e.getMessage().contains("\"bias\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Histogram.of("w", Histogram.WEIGHT, new double[] {1}, 0));
        assertTrue(e.getMessage().contains("bins"), e.getMessage());
    }

    @Test
    void fileRoundTripsBitIdentical() throws IOException {
        RunFolder folder = RunFolder.open(dir);
        List<HistogramsFile.EpochHistograms> epochs = List.of(
                new HistogramsFile.EpochHistograms(1, List.of(
                        new Histogram("0.weight", Histogram.WEIGHT, -0.1234567890123, 1e-300, new long[] {1, 0, 7}),
                        new Histogram("0.weight", Histogram.GRAD, -3.4e38, 0.1 + 0.2, new long[] {5, 5, 5}))),
                new HistogramsFile.EpochHistograms(2, List.of(
                        new Histogram("name \"quoted\"\n", Histogram.WEIGHT, -0.0, 1.0 / 3, new long[] {9_000_000_000L}))),
                new HistogramsFile.EpochHistograms(3, List.of()));
        HistogramsFile.write(folder, epochs);
        List<HistogramsFile.EpochHistograms> back = HistogramsFile.read(dir);
        assertEquals(epochs, back);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get(1).layers().get(0).min()));
    }

    @Test
    void malformedFileNamesTheEntry() throws IOException {
        Files.writeString(dir.resolve(HistogramsFile.FILE),
                "{\"epochs\": [{\"epoch\": 1, \"layers\": [{\"name\": \"a\", \"kind\": \"weight\", \"min\": 0, \"max\": 1,"
                        + " \"counts\": [1, -2]}]}]}");
        var e = assertThrows(IllegalArgumentException.class, () -> HistogramsFile.read(dir));
        assertTrue(e.getMessage().contains("epochs[0].layers[0].counts[1]"), e.getMessage());
        assertTrue(e.getMessage().contains(HistogramsFile.FILE), e.getMessage());
    }
}
