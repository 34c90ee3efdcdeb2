package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A trainer made one rank of a data-parallel run over a single process goes through every step
 * of the data-parallel path (shares, gradient buckets, summed metrics, broadcasts) and must train
 * exactly as the plain trainer: same losses and weights, bit for bit.
 */
class SingleProcessTrainingTest {
    record Trained(List<EpochMetrics> history, List<float[]> weights) {}

    static Trained train(DataParallel parallelOrNull) {
        try (Scope scope = Scope.open("model")) {
            SplittableRandom rng = new SplittableRandom(11);
            Sequential net = new Sequential(new Linear(2, 16, rng), Activation.tanh(), new Linear(16, 2, rng));
            // 203 examples in batches of 32: a short last batch.
            DataLoader train = new DataLoader(Synthetic.twoSpirals(203, 0.02, 5), 32, true, 5, false);
            DataLoader validation = new DataLoader(Synthetic.twoSpirals(61, 0.02, 6), 25, false, 0, false);
            Trainer t = new Trainer(net, new Adam(net.parameters(), 0.02), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            if (parallelOrNull != null) {
                t.setDataParallel(parallelOrNull);
            }
            t.fit(train, validation, 3, null);
            List<float[]> weights = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                weights.add(p.tensor().toFloatArray());
            }
            return new Trained(t.history(), weights);
        }
    }

    @Test
    void oneRankTrainsExactlyAsThePlainTrainer() {
        Trained plain = train(null);
        // An 80-byte bucket splits the 82 parameters' gradients across many buckets.
        DataParallel parallel = new DataParallel(new SingleProcess(), 80);
        Trained one = train(parallel);
        assertEquals(plain.history().size(), one.history().size());
        for (int e = 0; e < plain.history().size(); e++) {
            EpochMetrics a = plain.history().get(e);
            EpochMetrics b = one.history().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "epoch " + (e + 1));
            assertEquals(a.trainAccuracy(), b.trainAccuracy(), 0.0);
            assertEquals(a.valLoss(), b.valLoss(), 0.0);
            assertEquals(a.valAccuracy(), b.valAccuracy(), 0.0);
        }
        for (int i = 0; i < plain.weights().size(); i++) {
            assertArrayEquals(plain.weights().get(i), one.weights().get(i), "parameter " + i);
        }
        assertEquals(3L * 7, parallel.gradientSyncs(), "one combination per step: 3 epochs of 7 batches");
    }
}
