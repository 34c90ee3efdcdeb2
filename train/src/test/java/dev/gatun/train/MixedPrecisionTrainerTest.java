package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Precision;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.ops.Autocast;
import dev.gatun.optim.LossScaler;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.callbacks.StatefulCallback;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What {@link Trainer#setPrecision} changes: autocast in the training step only, and the scaler's state. */
class MixedPrecisionTrainerTest {
    /** A linear layer that notes the autocast precision its forward pass runs in. */
    private static final class Probe extends Module {
        final List<Precision> seen = new ArrayList<>();
        private final Linear layer;

        Probe() {
            layer = register("layer", new Linear(2, 3, new SplittableRandom(1)));
        }

        @Override
        public Tensor forward(Tensor x) {
            seen.add(Autocast.current());
            return layer.forward(x);
        }
    }

    @Test
    void trainingStepsRunUnderAutocastAndEvaluationInFloat32() {
        try (Scope s = Scope.open("test")) {
            Probe model = new Probe();
            Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.1), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            DataLoader data = new DataLoader(Synthetic.blobs(32, 3, 1.0, 2), 16, false, 0, false);
            assertEquals(Precision.FP32, trainer.precision());
            trainer.setPrecision(Precision.BF16, null);
            trainer.step(data.batch(data.order(1), 0));
            trainer.evaluate(data);
            assertEquals(List.of(Precision.BF16, Precision.FP32, Precision.FP32), model.seen);
            assertEquals(Precision.FP32, Autocast.current(), "the step's scope is closed");
        }
    }

    @Test
    void aScalerJoinsTheCheckpointedCallbacksOnce() {
        try (Scope s = Scope.open("test")) {
            Probe model = new Probe();
            Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.1), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            LossScaler scaler = new LossScaler();
            trainer.setPrecision(Precision.FP16, new LossScaler());
            trainer.setPrecision(Precision.FP16, scaler);
            assertSame(scaler, trainer.lossScaler());
            List<Callback> states = trainer.callbacks().stream().filter(c -> c instanceof StatefulCallback).toList();
            assertEquals(1, states.size());
            StatefulCallback state = (StatefulCallback) states.getFirst();
            assertEquals("loss_scaler", state.stateKey());
            assertEquals(scaler.state(), state.state());
            trainer.setPrecision(Precision.BF16, null);
            assertTrue(trainer.callbacks().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> trainer.setPrecision(null, null));
        }
    }
}
