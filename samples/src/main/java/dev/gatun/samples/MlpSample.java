package dev.gatun.samples;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.console.ProgressBar;
import dev.gatun.train.metrics.EpochMetrics;
import dev.gatun.train.metrics.MetricsLog;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * MLP 784-256-128-10 with ReLU, trained with Adam on Fashion-MNIST. Prints one line per epoch
 * and finally {@code test accuracy: 0.XXXX}; writes metrics and weights to a run folder.
 */
public final class MlpSample {
    private MlpSample() {}

    /** Runs the sample; returns the final test accuracy. */
    public static double run(SampleOptions o, PrintStream out) throws IOException {
        BackendRegistry.use(o.backend());
        Path dir = FashionMnist.locate(o.data());
        try (Scope model = Scope.open("model")) {
            FashionMnist.Split trainSplit = FashionMnist.Split.load(dir, true, model.arena());
            FashionMnist.Split testSplit = FashionMnist.Split.load(dir, false, model.arena());
            DataLoader train = new DataLoader(new ImageDataset(trainSplit, 784), o.batch(), true, o.seed(), false);
            DataLoader test = new DataLoader(new ImageDataset(testSplit, 784), 1000, false, 0, false);

            SplittableRandom rng = new SplittableRandom(o.seed());
            Sequential net = new Sequential(
                    new Linear(784, 256, rng), Activation.relu(),
                    new Linear(256, 128, rng), Activation.relu(),
                    new Linear(128, 10, rng));
            Adam adam = new Adam(net.parameters(), o.lr());
            out.printf(Locale.ROOT, "MLP 784-256-128-10 (%d parameters) on Fashion-MNIST from %s: %d train, %d test; "
                    + "batch %d, Adam lr %s, seed %d, backend %s%n", net.parameterCount(), dir, trainSplit.count(),
                    testSplit.count(), o.batch(), o.lr(), o.seed(), BackendRegistry.current().description());

            RunFolder folder = RunFolder.create(o.out(), "mlp");
            Map<String, String> run = new LinkedHashMap<>();
            run.put("sample", "mlp");
            run.put("model", "784-256-128-10 relu");
            run.put("backend", BackendRegistry.current().name());
            run.put("batch", Integer.toString(o.batch()));
            run.put("lr", Double.toString(o.lr()));
            run.put("seed", Long.toString(o.seed()));
            MetricsLog log = new MetricsLog(folder, run);

            Trainer trainer = new Trainer(net, adam, Loss.CROSS_ENTROPY, out, ProgressBar.isTerminal());
            List<EpochMetrics> history = trainer.fit(train, test, o.epochs(), log);
            double accuracy = history.isEmpty() ? trainer.evaluate(test).accuracy() : history.getLast().testAccuracy();
            log.write();
            folder.writeAtomically("model.safetensors", s -> SafetensorsWriter.write(net.parameters(), run, s));
            out.println("run folder: " + folder.path());
            out.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
            return accuracy;
        }
    }
}
