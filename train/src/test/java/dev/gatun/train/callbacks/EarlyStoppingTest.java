package dev.gatun.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.nn.Linear;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Early stopping on scripted metric sequences: the stopping epoch and the restored weights. */
class EarlyStoppingTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private Scope scope;
    private DataLoader train;
    private Linear net;
    private Trainer trainer;
    /** The model's weight and bias after each epoch, flattened; index 0 is epoch 1. */
    private List<float[]> weightsAfter;

    /** Random features and labels: the weights keep changing every epoch, which is all these tests need. */
    private static final class Noise implements Dataset {
        @Override public int size() { return 40; }
        @Override public int[] featureShape() { return new int[] {4}; }
        @Override public int classes() { return 3; }

        @Override
        public void fill(int[] idx, int from, int count, Tensor features, Tensor labels) {
            for (int i = 0; i < count; i++) {
                SplittableRandom r = new SplittableRandom(idx[from + i]);
                for (int j = 0; j < 4; j++) {
                    features.set(r.nextDouble(-1, 1), i, j);
                }
                labels.set(r.nextInt(3), i);
            }
        }
    }

    @BeforeEach
    void open() {
        scope = Scope.open("model");
        train = new DataLoader(new Noise(), 8, true, 1, false);
        net = new Linear(4, 3, new SplittableRandom(2));
        trainer = new Trainer(net, new Sgd(net.parameters(), 0.5), Loss.CROSS_ENTROPY, QUIET, false);
        weightsAfter = new ArrayList<>();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private float[] weights() {
        float[] w = net.parameters().get(0).tensor().toFloatArray();
        float[] b = net.parameters().get(1).tensor().toFloatArray();
        float[] out = Arrays.copyOf(w, w.length + b.length);
        System.arraycopy(b, 0, out, w.length, b.length);
        return out;
    }

    /** Feeds "score" from a script, and records the weights each epoch ended with. */
    private void script(double... values) {
        trainer.addCallback(Callback.afterEachEpoch(ctx -> {
            ctx.putMetric("score", values[ctx.epoch() - 1]);
            weightsAfter.add(weights());
        }));
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBestWeightsBitForBit() {
        // Epoch 2 improves on 1.0 by more than minDelta; 0.78 (epoch 3) does not beat 0.8 − 0.05; nor does 0.9.
        script(1.0, 0.8, 0.78, 0.9, 0.1, 0.1, 0.1);
        EarlyStopping stop = new EarlyStopping("score", EarlyStopping.Mode.MIN, 2, 0.05, true);
        trainer.addCallback(stop);
        assertEquals(4, trainer.fit(train, null, 7, null).size());
        assertEquals(4, stop.stoppedEpoch());
        assertEquals(2, stop.bestEpoch());
        assertEquals(0.8, stop.best());
        assertFalse(Arrays.equals(weightsAfter.get(1), weightsAfter.get(3)), "training moved the weights");
        assertArrayEquals(weightsAfter.get(1), weights(), "epoch 2's weights are back");
        float[] best = weightsAfter.get(1);
        float[] now = weights();
        for (int i = 0; i < best.length; i++) {
            assertEquals(Float.floatToRawIntBits(best[i]), Float.floatToRawIntBits(now[i]), "element " + i);
        }
    }

    @Test
    void maxModeWithZeroMinDeltaCountsAnyIncrease() {
        script(0.5, 0.6, 0.6, 0.61, 0.60, 0.59, 0.2);
        EarlyStopping stop = new EarlyStopping("score", EarlyStopping.Mode.MAX, 3, 0, false);
        trainer.addCallback(stop);
        // Best 0.61 at epoch 4 (0.6 at epoch 3 is no increase); epochs 5, 6, 7 do not beat it.
        assertEquals(7, trainer.fit(train, null, 10, null).size());
        assertEquals(4, stop.bestEpoch());
        assertEquals(7, stop.stoppedEpoch());
        assertArrayEquals(weightsAfter.get(6), weights(), "without restoring, the last weights stay");
        assertThrows(IllegalStateException.class, stop::restoreBestWeights);
    }

    @Test
    void nanNeverImprovesAndPatienceZeroStopsAtTheFirstMiss() {
        script(2.0, Double.NaN, 1.0);
        EarlyStopping stop = new EarlyStopping("score", EarlyStopping.Mode.MIN, 0, 0, true);
        trainer.addCallback(stop);
        assertEquals(2, trainer.fit(train, null, 3, null).size());
        assertEquals(1, stop.bestEpoch());
        assertArrayEquals(weightsAfter.get(0), weights());
    }

    @Test
    void doesNotStopWhileTheMetricKeepsImprovingAndResetsOnANewFit() {
        script(5, 4, 3, 2, 1, 9, 9, 9);
        EarlyStopping stop = new EarlyStopping("score", EarlyStopping.Mode.MIN, 1, 0, true);
        trainer.addCallback(stop);
        assertEquals(5, trainer.fit(train, null, 5, null).size());
        assertEquals(0, stop.stoppedEpoch());
        assertEquals(5, stop.bestEpoch());
        assertFalse(trainer.stopRequested());
    }

    @Test
    void monitorsTheValidationLossByDefaultAndNamesAMissingMetric() {
        EarlyStopping stop = EarlyStopping.onValidationLoss(2);
        trainer.addCallback(stop);
        trainer.fit(train, train, 2, null);
        assertTrue(stop.bestEpoch() >= 1, "a finite validation loss improves on +∞");

        Trainer other = new Trainer(net, new Sgd(net.parameters(), 0.5), Loss.CROSS_ENTROPY, QUIET, false);
        other.addCallback(new EarlyStopping("val_f1", EarlyStopping.Mode.MAX, 1, 0, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.fit(train, null, 1, null));
        assertTrue(e.getMessage().contains("'val_f1'"), e.getMessage());
    }

    @Test
    void badSettingsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping("val_loss", EarlyStopping.Mode.MIN, -1, 0, true));
        assertTrue(e.getMessage().contains("patience"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping("val_loss", EarlyStopping.Mode.MIN, 1, -0.1, true));
        assertTrue(e.getMessage().contains("minDelta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(" ", EarlyStopping.Mode.MIN, 1, 0, true));
        assertTrue(e.getMessage().contains("monitor"), e.getMessage());
    }
}
