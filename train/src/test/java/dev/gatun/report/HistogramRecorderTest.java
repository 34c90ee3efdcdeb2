package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Linear;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder writes every parameter's weight and gradient histogram after each epoch. */
class HistogramRecorderTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    @TempDir
    Path dir;
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static ArrayDataset data() {
        float[] x = new float[16 * 3];
        int[] y = new int[16];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        Arrays.setAll(y, i -> i % 2);
        return ArrayDataset.classification(x, new int[] {3}, y, 2);
    }

    private Trainer trainer(Linear net) {
        return new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY, QUIET, false);
    }

    @Test
    void recordsWeightsAndGradientsEachEpoch() throws IOException {
        Linear net = new Linear(3, 2, new SplittableRandom(1));
        RunFolder folder = RunFolder.open(dir);
        HistogramRecorder recorder = new HistogramRecorder(folder, 5);
        trainer(net).addCallback(recorder).fit(new DataLoader(data(), 4, true, 1, false), null, 2, null);

        List<HistogramsFile.EpochHistograms> epochs = HistogramsFile.read(dir);
        assertEquals(List.of(1, 2), epochs.stream().map(HistogramsFile.EpochHistograms::epoch).toList());
        List<Histogram> last = epochs.get(1).layers();
        assertEquals(List.of("weight:weight", "weight:grad", "bias:weight", "bias:grad"),
                last.stream().map(h -> h.name() + ":" + h.kind()).toList());
        // The weight histogram is of the current weights: same range and every value counted.
        float[] w = net.weight().tensor().toFloatArray();
        Histogram expected = Histogram.of("weight", Histogram.WEIGHT, toDoubles(w), 5);
        assertEquals(expected, last.get(0));
        Histogram grad = Histogram.of("weight", Histogram.GRAD, toDoubles(net.weight().grad().toFloatArray()), 5);
        assertEquals(grad, last.get(1));
        assertEquals(2, Arrays.stream(last.get(3).counts()).sum());
        assertEquals(recorder.epochs(), epochs);
    }

    @Test
    void resumingReplacesEpochsFromTheRestartOn() throws IOException {
        Linear net = new Linear(3, 2, new SplittableRandom(1));
        RunFolder folder = RunFolder.open(dir);
        DataLoader loader = new DataLoader(data(), 4, true, 1, false);
        trainer(net).addCallback(new HistogramRecorder(folder, 4)).fit(loader, null, 3, null);
        // A second fit in the same folder (as after a resume) starts numbering at 1 again.
        HistogramRecorder resumed = new HistogramRecorder(folder, 4);
        assertEquals(3, resumed.epochs().size());
        trainer(net).addCallback(resumed).fit(loader, null, 1, null);
        assertEquals(List.of(1), HistogramsFile.read(dir).stream().map(HistogramsFile.EpochHistograms::epoch).toList());
    }

    @Test
    void rejectsBadBins() throws IOException {
        RunFolder folder = RunFolder.open(dir);
        assertThrows(IllegalArgumentException.class, () -> new HistogramRecorder(folder, 0));
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
