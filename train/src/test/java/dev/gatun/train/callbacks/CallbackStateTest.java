package dev.gatun.train.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Linear;
import dev.gatun.optim.Sgd;
import dev.gatun.optim.schedule.ReduceOnPlateau;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What stateful callbacks save is what they continue from. */
class CallbackStateTest {
    private Scope scope;
    private Linear net;
    private Trainer trainer;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
        net = new Linear(2, 2, new SplittableRandom(1));
        trainer = new Trainer(net, new Sgd(net.parameters(), 0.1), Loss.CROSS_ENTROPY,
                new PrintStream(OutputStream.nullOutputStream()), false);
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void earlyStoppingRestoresItsCountersAndKeptWeights() {
        EarlyStopping stop = new EarlyStopping("val_loss", EarlyStopping.Mode.MIN, 3, 0, true);
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 2);
        stop.restoreState(trainer, Map.of("best", 0.25, "best_epoch", 4.0, "wait", 2.0, "stopped_epoch", 0.0),
                Map.of("weight", w, "bias", b));
        assertEquals(0.25, stop.best());
        assertEquals(4, stop.bestEpoch());
        assertEquals(Map.of("best", 0.25, "best_epoch", 4.0, "wait", 2.0, "stopped_epoch", 0.0), stop.state());
        stop.restoreBestWeights();
        assertArrayEquals(new float[] {1, 2, 3, 4}, net.weight().tensor().toFloatArray());
        assertArrayEquals(new float[] {5, 6}, net.bias().tensor().toFloatArray());
    }

    @Test
    void earlyStoppingNamesMissingAndMismatchedState() {
        EarlyStopping stop = new EarlyStopping("val_loss", EarlyStopping.Mode.MIN, 3, 0, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stop.restoreState(trainer, Map.of("best", 0.25), Map.of()));
        assertTrue(e.getMessage().contains("'early_stopping': saved state has no 'best_epoch'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> stop.restoreState(trainer,
                Map.of("best", 0.25, "best_epoch", 1.0, "wait", 0.0, "stopped_epoch", 0.0),
                Map.of("weight", Tensor.zeros(DType.FLOAT32, 3, 2), "bias", Tensor.zeros(DType.FLOAT32, 2))));
        assertTrue(e.getMessage().contains("best weights for 'weight'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> stop.restoreState(trainer,
                Map.of("best", 0.25, "best_epoch", 1.5, "wait", 0.0, "stopped_epoch", 0.0), Map.of()));
        assertTrue(e.getMessage().contains("'best_epoch' must be a non-negative integer"), e.getMessage());
    }

    @Test
    void plateauContinuesWhereItWas() {
        // Two fresh plateaus: one observes 1, 1, 1 (patience 1 → reduced once), the other is restored
        // from the first's state; both must answer the next observations alike.
        ReduceLrOnPlateau a = new ReduceLrOnPlateau("val_loss", new ReduceOnPlateau(1.0, ReduceOnPlateau.Mode.MIN,
                0.5, 1, 0, 0, 0));
        for (int i = 0; i < 3; i++) {
            a.plateau().observe(1);
        }
        assertEquals(0.5, a.plateau().lr());
        ReduceLrOnPlateau b = new ReduceLrOnPlateau("val_loss", new ReduceOnPlateau(1.0, ReduceOnPlateau.Mode.MIN,
                0.5, 1, 0, 0, 0));
        b.restoreState(trainer, a.state(), Map.of());
        assertEquals(a.state(), b.state());
        for (double v : new double[] {1, 1, 0.5, 2, 2}) {
            assertEquals(a.plateau().observe(v), b.plateau().observe(v));
        }
        assertEquals(0.125, b.plateau().lr(), "0.5 → 0.25 after two bad values, a new best at 0.5, then two more bad");
    }

    @Test
    void scheduleCallbackRestoresItsStep() {
        LrScheduleCallback c = new LrScheduleCallback(step -> 1.0 / (step + 1), LrScheduleCallback.Unit.EPOCH);
        c.restoreState(trainer, Map.of("step", 3.0), Map.of());
        assertEquals(3, c.stepCount());
        assertEquals(Map.of("step", 3.0), c.state());
    }
}
