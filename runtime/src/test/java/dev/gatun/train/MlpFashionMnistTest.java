package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The main job's model, one epoch on the real Fashion-MNIST: test accuracy must reach 0.83. */
class MlpFashionMnistTest {
    @Test
    void oneEpochReachesTheTarget() throws Exception {
        Path dir;
        try {
            dir = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not available, so the end-to-end test cannot run: " + e.getMessage());
            return;
        }
        BackendRegistry.use("cpu");
        try (Scope model = Scope.open("model")) {
            DataLoader train = new DataLoader(new ImageDataset(FashionMnist.Split.load(dir, true, model.arena()), 784),
                    128, true, 42, false);
            DataLoader test = new DataLoader(new ImageDataset(FashionMnist.Split.load(dir, false, model.arena()), 784),
                    1000, false, 0, false);
            SplittableRandom rng = new SplittableRandom(42);
            Sequential net = new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng),
                    Activation.relu(), new Linear(128, 10, rng));
            Trainer trainer = new Trainer(net, new Adam(net.parameters(), 1e-3), Loss.CROSS_ENTROPY, System.out, false);
            List<dev.gatun.train.metrics.EpochMetrics> h = trainer.fit(train, test, 1, null);
            double acc = h.getLast().testAccuracy();
            assertTrue(acc >= 0.83, "test accuracy after one epoch " + acc + " < 0.83");
        }
    }
}
