package dev.gatun.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.nn.Parameter;
import dev.gatun.optim.Sgd;
import dev.gatun.optim.schedule.ReduceOnPlateau.Mode;
import dev.gatun.optim.schedule.ReduceOnPlateau.ThresholdMode;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReduceOnPlateau against torch 2.13.0+cpu {@code ReduceLROnPlateau} on SGD(lr=1.0): the lr after
 * each {@code scheduler.step(metric)}, recorded once by a script; and LrScheduler driving an optimizer.
 */
class ReduceOnPlateauScheduleTest {
    private static double[] run(ReduceOnPlateau r, double[] metrics) {
        double[] out = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            out[i] = r.observe(metrics[i]);
        }
        return out;
    }

    @Test
    void minModeRelativeThresholdWithCooldown() {
        // ReduceLROnPlateau(o, mode='min', factor=0.5, patience=2, threshold=0.1, cooldown=1, min_lr=0.1)
        double[] metrics = {10, 9, 9.5, 9.2, 9.1, 8, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5};
        double[] torch = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125};
        // By hand: 9 is not below 10·0.9 = 9, so 9, 9.5, 9.2 are three bad epochs > patience 2: halve at index 3.
        // Cooldown eats index 4; 8 < 9 (best 10·0.9) improves; then 3 bad (6, 7, 8) halve again at 8.
        assertArrayEquals(torch, run(new ReduceOnPlateau(1.0, Mode.MIN, 0.5, 2, 0.1, 1, 0.1), metrics), 0);
        // minLr stops the decay: 0.125 → max(0.0625, 0.1) = 0.1.
        ReduceOnPlateau r = new ReduceOnPlateau(1.0, Mode.MIN, 0.5, 2, 0.1, 1, 0.1);
        run(r, metrics);
        assertEquals(0.1, run(r, new double[] {9, 9, 9, 9})[3], 0);
    }

    @Test
    void maxModeAbsoluteThreshold() {
        // ReduceLROnPlateau(o, mode='max', factor=0.1, patience=1, threshold=0.05, threshold_mode='abs')
        double[] metrics = {0.5, 0.6, 0.6, 0.6, 0.61, 0.7, 0.7, 0.7, 0.7};
        double[] torch = {1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002};
        ReduceOnPlateau r = new ReduceOnPlateau(1.0, Mode.MAX, 0.1, 1, 0.05, ThresholdMode.ABS, 0, 0);
        assertArrayEquals(torch, run(r, metrics), 0);
        assertEquals(0.7, r.best(), 0);
    }

    @Test
    void defaultsMatchTorch() {
        // ReduceLROnPlateau(o) fed 25 equal losses: reductions after the 11th and 22nd.
        double[] metrics = new double[25];
        java.util.Arrays.fill(metrics, 1.0);
        double[] out = run(new ReduceOnPlateau(1.0), metrics);
        for (int i = 0; i < 25; i++) {
            assertEquals(i < 11 ? 1.0 : i < 22 ? 0.1 : 0.010000000000000002, out[i], 0, "observation " + i);
        }
    }

    @Test
    void plateauValidation() {
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(1, Mode.MIN, 1.0, 2, 0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(1, Mode.MIN, 0.5, -1, 0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(1, null, 0.5, 1, 0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateau(0));
    }

    @Test
    void lrSchedulerDrivesTheOptimizer() {
        try (Scope _ = Scope.open()) {
            Sgd sgd = new Sgd(List.of(new Parameter("w", Tensor.zeros(DType.FLOAT32, 1))), 1.0);
            LrScheduler sched = new LrScheduler(sgd, new StepLr(0.1, 2, 0.5));
            // Construction applies lr(0), as a torch scheduler does.
            assertEquals(0.1, sgd.learningRate(), 0);
            assertEquals(0.1, sched.step(), 0);
            assertEquals(0.05, sched.step(), 0);
            assertEquals(0.05, sgd.learningRate(), 0);
            assertEquals(2, sched.stepCount());
            // Cosine annealing reaches etaMin = 0; as in PyTorch the optimizer takes it, and a step then moves nothing.
            LrScheduler cos = new LrScheduler(sgd, new CosineAnnealing(0.1, 1, 0));
            assertEquals(0.0, cos.step(), 1e-18);
            assertEquals(0.0, sgd.learningRate(), 0);
            Tensor w = sgd.parameters().get(0).tensor();
            w.setGrad(Tensor.full(DType.FLOAT32, 5, 1));
            sgd.step();
            assertEquals(0.0, w.item(), 0);
        }
    }
}
