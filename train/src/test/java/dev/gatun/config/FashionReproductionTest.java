package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.data.Subset;
import dev.gatun.models.FashionModels;
import dev.gatun.nn.Module;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fashion-mlp.yaml, run on a few images, trains exactly as the MLP sample's loop (FashionSample)
 * does: the same losses bit for bit and the same final test accuracy. Skipped without the data.
 */
class FashionReproductionTest {
    @TempDir
    Path runs;

    @Test
    void theMlpConfigReproducesTheSampleLoop() throws IOException {
        Path dir;
        try {
            dir = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
            return;
        }
        int limit = 512;
        double sampleLoss;
        double sampleAccuracy;
        // The sample's loop (FashionSample.run) with --limit 512 --epochs 1, test set as its per-epoch evaluation.
        try (Scope scope = Scope.open("sample")) {
            FashionMnist.Split trainSplit = FashionMnist.Split.load(dir, true, scope.arena());
            FashionMnist.Split testSplit = FashionMnist.Split.load(dir, false, scope.arena());
            Dataset trainSet = Subset.first(new ImageDataset(trainSplit, 784), limit);
            DataLoader train = new DataLoader(trainSet, 128, true, 42, false);
            DataLoader test = new DataLoader(new ImageDataset(testSplit, 784), 1000, false, 0, false);
            Module net = FashionModels.mlp(new SplittableRandom(42));
            Trainer trainer = new Trainer(net, new Adam(net.parameters(), 1e-3), Loss.CROSS_ENTROPY, quiet(), false);
            List<EpochMetrics> history = trainer.fit(train, test, 1, null);
            sampleLoss = history.getFirst().trainLoss();
            sampleAccuracy = trainer.evaluate(test).accuracy();
        }
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(
                java.nio.file.Files.readString(ShippedConfigsTest.dir().resolve("fashion-mlp.yaml"))
                        .replace("validation: 0 ", "validation: 0\n  limit: " + limit + " ")
                        .replace("epochs: 10", "epochs: 1"), "fashion-mlp.yaml"), "fashion-mlp");
        assertEquals(limit, ((DataConfig.FashionMnist) c.data().source()).limit());
        ExperimentResult r = ExperimentRunner.run(c, runs, quiet());
        assertEquals(Double.doubleToRawLongBits(sampleLoss), Double.doubleToRawLongBits(r.history().getFirst().trainLoss()));
        assertEquals(sampleAccuracy, r.metric("test_accuracy"));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
