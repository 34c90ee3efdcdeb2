package dev.gatun.train.checkpoint;

import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link KilledSaveTest}: trains 2 epochs with a checkpoint after each and
 * stops for good inside the second save, waiting to be killed.
 */
final class KilledSaveProbe {
    private KilledSaveProbe() {}

    /** A small classifier saving a checkpoint every epoch into {@code runDir}. */
    record Run(Sequential model, Trainer trainer, DataLoader train) {
        static Run build(Path runDir, long initSeed, Path pauseInOrNull, PrintStream out) {
            SplittableRandom rng = new SplittableRandom(initSeed);
            Sequential model = new Sequential(new Linear(2, 8, rng), Activation.relu(), new Linear(8, 3, rng));
            Trainer trainer = new Trainer(model, new PausingSgd(model.parameters(), 0.05, pauseInOrNull),
                    Loss.CROSS_ENTROPY, out, false);
            trainer.addCallback(new CheckpointCallback(runDir, Checkpoint.JSON.createObjectNode().put("sample", "killed"),
                    Map.of("data_loader", 9L), 1, 10));
            return new Run(model, trainer, new DataLoader(Synthetic.blobs(96, 3, 1.5, 5), 16, true, 9, false));
        }

        /** Trains a fresh run for one epoch, leaving its checkpoint {@code epoch-0001} in {@code runDir}. */
        static void trainOneEpoch(Path runDir) {
            try (Scope s = Scope.open("first epoch")) {
                Run r = build(runDir, 1, null, new PrintStream(OutputStream.nullOutputStream()));
                r.trainer().fit(r.train(), null, 1, null);
            }
        }
    }

    public static void main(String[] args) {
        Path runDir = Path.of(args[0]);
        try (Scope s = Scope.open("killed save")) {
            Run run = Run.build(runDir, 1, runDir, System.out);
            run.trainer().fit(run.train(), null, 2, null);
        }
        System.out.println("finished without pausing");
        System.exit(3);
    }
}
