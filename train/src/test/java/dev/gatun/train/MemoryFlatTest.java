package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Dropout;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training allocates per step and frees per step: live off-heap bytes stay flat across epochs. */
class MemoryFlatTest {
    /** Two Gaussian blobs per class in 20 dimensions. */
    static final class Blobs implements Dataset {
        private final float[][] x;
        private final int[] y;

        Blobs(int n, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            x = new float[n][20];
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(3);
                for (int j = 0; j < 20; j++) {
                    x[i][j] = (float) (r.nextGaussian() + (j % 3 == y[i] ? 2 : 0));
                }
            }
        }

        @Override public int size() { return y.length; }
        @Override public int[] featureShape() { return new int[] {20}; }
        @Override public int classes() { return 3; }

        @Override
        public void fill(int[] idx, int from, int count, Tensor features, Tensor labels) {
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < 20; j++) {
                    features.set(x[idx[from + i]][j], i, j);
                }
                labels.set(y[idx[from + i]], i);
            }
        }
    }

    @Test
    void liveMemoryIsFlatAcrossEpochsAndLearningHappens() {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        long baseline = Scope.liveBytes();
        try (Scope model = Scope.open("model")) {
            SplittableRandom rng = new SplittableRandom(1);
            Sequential net = new Sequential(new Linear(20, 32, rng), Activation.relu(), new Dropout(0.1, 2),
                    new Linear(32, 3, rng));
            Trainer trainer = new Trainer(net, new Adam(net.parameters(), 1e-2), Loss.CROSS_ENTROPY, quiet, false);
            DataLoader train = new DataLoader(new Blobs(600, 3), 32, true, 5, false);
            DataLoader test = new DataLoader(new Blobs(300, 4), 100, false, 0, false);
            trainer.fit(train, test, 1, null);
            long afterFirst = Scope.liveBytes();
            Evaluation last = null;
            for (int epoch = 2; epoch <= 15; epoch++) {
                trainer.trainEpoch(train, epoch, 15);
                assertEquals(afterFirst, Scope.liveBytes(), "live bytes grew in epoch " + epoch);
                last = trainer.evaluate(test);
                assertEquals(afterFirst, Scope.liveBytes(), "live bytes grew in evaluation " + epoch);
            }
            assertTrue(last.accuracy() > 0.9, "blobs are separable; accuracy " + last.accuracy());
        }
        assertEquals(baseline, Scope.liveBytes(), "closing the model scope frees everything");
    }
}
