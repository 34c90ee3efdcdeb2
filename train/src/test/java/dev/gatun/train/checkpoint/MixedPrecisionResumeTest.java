package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Precision;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.optim.LossScaler;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * An fp16 run with loss scaling, interrupted and resumed from its checkpoint, goes on with the
 * same scale, good-step count and skipped steps, and ends bit-identical to the uninterrupted run.
 * The scale starts at 2^30 so that the first steps overflow and are skipped, and grows every 5
 * good steps, so both transitions happen on each side of the checkpoint.
 */
class MixedPrecisionResumeTest {
    @TempDir
    Path dir;

    private record Run(Sequential model, Trainer trainer, LossScaler scaler, DataLoader train) {
        static Run build(Path runDir, long initSeed) {
            SplittableRandom rng = new SplittableRandom(initSeed);
            Sequential model = new Sequential(new Linear(2, 16, rng), Activation.relu(), new Linear(16, 3, rng));
            Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.02), Loss.CROSS_ENTROPY,
                    ResumeTest.QUIET, false);
            LossScaler scaler = new LossScaler(0x1p30, 2, 0.5, 5);
            trainer.setPrecision(Precision.FP16, scaler);
            ObjectNode config = Checkpoint.JSON.createObjectNode().put("sample", "fp16-resume-test");
            trainer.addCallback(new CheckpointCallback(runDir, config, Map.of(), 1, 10));
            DataLoader train = new DataLoader(Synthetic.blobs(120, 3, 1.5, 5), 16, true, 9, false);
            return new Run(model, trainer, scaler, train);
        }
    }

    private static List<int[]> bits(List<Parameter> state) {
        return state.stream().map(p -> {
            float[] v = p.tensor().toFloatArray();
            int[] b = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = Float.floatToRawIntBits(v[i]);
            }
            return b;
        }).toList();
    }

    @Test
    void aResumedFp16RunContinuesWithTheSavedScale() throws IOException {
        Map<String, Double> straightScaler;
        List<int[]> straightWeights;
        List<EpochMetrics> straight;
        try (Scope s = Scope.open("uninterrupted")) {
            Run a = Run.build(dir.resolve("a"), 1);
            a.trainer().fit(a.train(), null, 4, null);
            straightScaler = a.scaler().state();
            straightWeights = bits(a.model().state());
            straight = a.trainer().history();
            assertTrue(a.scaler().skippedSteps() > 0, "the first steps overflow fp16: " + straightScaler);
            assertTrue(a.scaler().scale() > 0x1p30 / Math.pow(2, a.scaler().skippedSteps()),
                    "and the scale grew again afterwards: " + straightScaler);
        }
        Map<String, Double> halfway;
        try (Scope s = Scope.open("first half")) {
            Run b = Run.build(dir.resolve("b"), 1);
            b.trainer().fit(b.train(), null, 2, null);
            halfway = b.scaler().state();
        }
        try (Scope s = Scope.open("second half")) {
            Run c = Run.build(dir.resolve("b"), 77);
            Checkpoint cp = Checkpoint.load(dir.resolve("b/checkpoints/epoch-0002"), c.model(), s);
            c.trainer().resume(cp);
            c.trainer().fit(c.train(), null, 4, null);
            assertEquals(straightScaler, c.scaler().state());
            List<int[]> weights = bits(c.model().state());
            for (int i = 0; i < weights.size(); i++) {
                assertArrayEquals(straightWeights.get(i), weights.get(i), "tensor " + i);
            }
            for (int e = 0; e < 4; e++) {
                assertEquals(straight.get(e).trainLoss(), c.trainer().history().get(e).trainLoss(), "epoch " + (e + 1));
            }
        }
        assertTrue(!halfway.equals(straightScaler), "the scaler moved after the checkpoint too: " + halfway);
    }
}
