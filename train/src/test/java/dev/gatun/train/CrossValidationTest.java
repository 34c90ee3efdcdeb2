package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.KFold;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** k-fold cross-validation on the two-moons set: a small MLP separates them on every fold. */
class CrossValidationTest {
    @Test
    void everyFoldTrainsAFreshModelAndTheSummaryIsTheirMeanAndSpread() {
        ArrayDataset moons = Synthetic.moons(600, 0.1, 7);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        long before = Scope.liveBytes();
        CrossValidation.Result r = CrossValidation.run(new KFold(moons, 5, 3, true),
                fold -> {
                    SplittableRandom rng = new SplittableRandom(100 + fold);
                    return new Sequential(new Linear(2, 32, rng), Activation.relu(), new Linear(32, 2, rng));
                },
                net -> new Adam(net.parameters(), 0.02), Loss.CROSS_ENTROPY, 32, 40, 11,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(5, r.folds().size());
        double sum = 0;
        for (CrossValidation.Fold f : r.folds()) {
            assertEquals(120, f.heldOut().samples(), "every fold holds out a fifth");
            // A linear boundary gets about 0.86 on moons; the hidden layer must bend it.
            assertTrue(f.heldOut().accuracy() > 0.93, "fold " + f.index() + ": " + f.heldOut());
            sum += f.heldOut().accuracy();
        }
        assertEquals(sum / 5, r.meanAccuracy(), 1e-12);
        double var = 0;
        for (CrossValidation.Fold f : r.folds()) {
            var += Math.pow(f.heldOut().accuracy() - r.meanAccuracy(), 2);
        }
        assertEquals(Math.sqrt(var / 4), r.stdAccuracy(), 1e-12);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains(r.summary()));
        assertEquals(before, Scope.liveBytes(), "each fold's scope is closed");
    }

    @Test
    void zeroEpochsIsRefused() {
        ArrayDataset xor = Synthetic.xor(40, 0.1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CrossValidation.run(
                new KFold(xor, 2, 1, false), fold -> new Linear(2, 2, new SplittableRandom(fold)),
                net -> new Adam(net.parameters(), 0.1), Loss.CROSS_ENTROPY, 8, 0, 1, System.out));
        assertTrue(e.getMessage().contains("epochs > 0"), e.getMessage());
    }
}
