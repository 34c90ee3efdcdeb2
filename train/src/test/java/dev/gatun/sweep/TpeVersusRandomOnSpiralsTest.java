package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.tracking.RunState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check: with the same small budget on spirals, TPE's best validation loss beats
 * random search's on average over several seeds. Real training (tiny networks, a few epochs), the
 * same sweep seeds for both methods, so the random startup trials of TPE are random search's own
 * first trials and the difference is what TPE learned from them.
 */
class TpeVersusRandomOnSpiralsTest {
    /** The budget: trials per sweep, of which TPE draws the first ones at random. */
    static final int TRIALS = Integer.getInteger("gatun.tpeTest.trials", 14);
    static final int STARTUP = Integer.getInteger("gatun.tpeTest.startup", 5);
    static final int SEEDS = Integer.getInteger("gatun.tpeTest.seeds", 6);
    static final int EPOCHS = Integer.getInteger("gatun.tpeTest.epochs", 8);
    static final int BATCH = Integer.getInteger("gatun.tpeTest.batch", 16);
    static final int EXAMPLES = Integer.getInteger("gatun.tpeTest.n", 800);

    static final String CONFIG = """
            name: spirals-%s
            seed: 42
            data: {source: synthetic, kind: spirals, n: %d, noise: 0.02, validation: 0.3, test: 0.1}
            model:
              layers:
                - {type: dense, units: 32}
                - {type: tanh}
                - {type: dense, units: 32}
                - {type: tanh}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: %d, batch: %d}
            search:
              method: %s
              trials: %d
              seed: %d
              %s
              params:
                optimizer.lr: {type: loguniform, low: 1.0e-4, high: 1.0}
                model.layers[0].units: {type: int, low: 2, high: 64, log: true}
                model.layers[2].units: {type: int, low: 2, high: 64, log: true}
            """;

    @TempDir
    Path runs;

    /** The best finished trial's final val_loss of one sweep. */
    static double bestValLoss(Path runs, String method, int seed) throws Exception {
        String yaml = CONFIG.formatted(method, EXAMPLES, EPOCHS, BATCH, method, TRIALS, seed,
                method.equals("tpe") ? "startup_trials: " + STARTUP : "");
        Path dir = Files.createDirectories(runs.resolve(method + seed));
        Sweep s = Sweep.start(ConfigLoader.parseYaml(yaml, "test"), "test", dir);
        List<TrialRecord> trials = s.run(1, new InMemoryTrials(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(TRIALS, trials.size());
        return trials.stream().filter(t -> t.state() == RunState.FINISHED).mapToDouble(TrialRecord::value)
                .filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    }

    @Test
    void tpeFindsALowerBestValidationLossThanRandomOnAverage() throws Exception {
        double tpe = 0;
        double random = 0;
        StringBuilder table = new StringBuilder();
        for (int seed = 1; seed <= SEEDS; seed++) {
            double t = bestValLoss(runs, "tpe", seed);
            double r = bestValLoss(runs, "random", seed);
            table.append(String.format(Locale.ROOT, "seed %d: tpe %.4f, random %.4f%n", seed, t, r));
            tpe += t / SEEDS;
            random += r / SEEDS;
        }
        String summary = String.format(Locale.ROOT, "%d trials (%d random startup), %d epochs, %d seeds: mean best"
                + " val_loss tpe %.4f, random %.4f%n%s", TRIALS, STARTUP, EPOCHS, SEEDS, tpe, random, table);
        System.out.print(summary);
        assertTrue(tpe < random, summary);
    }
}
