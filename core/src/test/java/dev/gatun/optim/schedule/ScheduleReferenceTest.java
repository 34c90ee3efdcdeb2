package dev.gatun.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Each schedule against (a) its closed-form formula written out here and (b) sequences recorded
 * from PyTorch 2.13.0+cpu: an SGD(lr=0.1, momentum=0.9) optimizer, reading
 * {@code param_groups[0]['lr']} before each {@code scheduler.step()}. Script (run once, not by tests):
 * <pre>
 * def seq(make, n, lr=0.1):
 *     o = SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9); s = make(o); out = []
 *     for i in range(n):
 *         out.append(o.param_groups[0]['lr'])
 *         if i &lt; n - 1: o.step(); s.step()
 *     return out
 * seq(lambda o: L.StepLR(o, 3, 0.5), 10)  # and so on, one call per array below
 * </pre>
 */
class ScheduleReferenceTest {
    // L.StepLR(o, 3, 0.5)
    static final double[] STEP = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125};
    // L.ExponentialLR(o, 0.9)
    static final double[] EXP = {0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002};
    // L.CosineAnnealingLR(o, 10, 0.001), 25 values (past T_max)
    static final double[] COS = {0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001, 0.0034227024433899004, 0.01045365877844014, 0.02140463001152267, 0.035203658778440255, 0.05050000000000022, 0.06579634122156018, 0.07959536998847777, 0.09054634122156031, 0.09757729755661054, 0.10000000000000045, 0.09757729755661054, 0.09054634122156033, 0.07959536998847778, 0.0657963412215602};
    // L.CosineAnnealingWarmRestarts(o, 3, 2, 0.01)
    static final double[] SGDR = {0.1, 0.0775, 0.032500000000000015, 0.1, 0.09397114317029975, 0.0775, 0.05500000000000001, 0.032500000000000015, 0.01602885682970026, 0.1, 0.09846666218300808, 0.09397114317029975, 0.08681980515339464, 0.0775, 0.06664685702961344, 0.05500000000000001, 0.04335314297038658, 0.032500000000000015, 0.023180194846605363, 0.01602885682970026, 0.011533337816991932, 0.1, 0.09961501876182148, 0.09846666218300808, 0.0965745789630079};
    // L.CosineAnnealingWarmRestarts(o, 4, 1, 0.0)
    static final double[] SGDR1 = {0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738, 0.05, 0.014644660940672627, 0.1, 0.08535533905932738};
    // L.CyclicLR(o, 0.01, 0.1, step_size_up=4, mode='triangular', cycle_momentum=False)
    static final double[] CYC = {0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775, 0.05500000000000001, 0.0325, 0.01, 0.0325, 0.05500000000000001, 0.0775, 0.1, 0.0775, 0.05500000000000001, 0.0325, 0.01, 0.0325, 0.05500000000000001, 0.0775};
    // L.CyclicLR(o, 0.01, 0.1, step_size_up=2, step_size_down=4, mode='triangular', cycle_momentum=False)
    static final double[] CYC_UP_DOWN = {0.01, 0.05500000000000003, 0.09999999999999999, 0.0775, 0.055000000000000014, 0.03249999999999998, 0.01, 0.05500000000000009, 0.09999999999999992, 0.0775, 0.054999999999999966, 0.032500000000000036, 0.01, 0.054999999999999966};
    // L.ChainedScheduler([L.LinearLR(o, 0.25, 1.0, 4), L.ExponentialLR(o, 0.9)])
    static final double[] WARM_EXP = {0.025, 0.03937500000000001, 0.05062500000000001, 0.05923125000000001, 0.06561000000000002, 0.05904900000000002, 0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002};
    // L.ChainedScheduler([L.LinearLR(o, 0.1, 1.0, 5), L.StepLR(o, 3, 0.5)])
    static final double[] WARM_STEP = {0.010000000000000002, 0.028000000000000004, 0.046000000000000006, 0.032, 0.041, 0.05, 0.025, 0.025, 0.025, 0.0125};

    private static void assertSeq(double[] expected, LrSchedule s, double tol) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s.lr(i), tol, "step " + i);
        }
    }

    private static void assertFormula(LrSchedule s, int n, IntToDoubleFunction formula) {
        for (int i = 0; i < n; i++) {
            assertEquals(formula.applyAsDouble(i), s.lr(i), 1e-15, "step " + i);
        }
    }

    @Test
    void stepLr() {
        StepLr s = new StepLr(0.1, 3, 0.5);
        assertFormula(s, 20, t -> 0.1 * Math.pow(0.5, Math.floor(t / 3.0)));
        assertSeq(STEP, s, 1e-15);
    }

    @Test
    void exponentialLr() {
        ExponentialLr s = new ExponentialLr(0.1, 0.9);
        assertFormula(s, 20, t -> 0.1 * Math.pow(0.9, t));
        assertSeq(EXP, s, 1e-15);
    }

    @Test
    void cosineAnnealing() {
        CosineAnnealing s = new CosineAnnealing(0.1, 10, 0.001);
        assertFormula(s, 30, t -> 0.001 + 0.099 * (1 + Math.cos(Math.PI * t / 10)) / 2);
        // torch updates recursively, so its values drift by rounding; the closed form is exact.
        assertSeq(COS, s, 1e-14);
        assertEquals(0.0505, s.lr(5), 1e-15);
    }

    @Test
    void cosineWarmRestarts() {
        CosineWarmRestarts s = new CosineWarmRestarts(0.1, 3, 2, 0.01);
        // Periods of 3, 6, 12 steps start at 0, 3, 9, 21.
        assertFormula(s, 21, t -> {
            int start = t < 3 ? 0 : t < 9 ? 3 : 9;
            int period = t < 3 ? 3 : t < 9 ? 6 : 12;
            return 0.01 + 0.09 * (1 + Math.cos(Math.PI * (t - start) / period)) / 2;
        });
        assertSeq(SGDR, s, 1e-15);
        assertSeq(SGDR1, new CosineWarmRestarts(0.1, 4, 1, 0), 1e-15);
        assertEquals(0.1, s.lr(21), 0);
    }

    @Test
    void cyclicTriangular() {
        CyclicTriangular s = new CyclicTriangular(0.01, 0.1, 4);
        assertFormula(s, 20, t -> {
            double x = Math.abs(t / 4.0 - 2 * Math.floor(1 + t / 8.0) + 1);
            return 0.01 + 0.09 * Math.max(0, 1 - x);
        });
        assertSeq(CYC, s, 1e-15);
        assertSeq(CYC_UP_DOWN, new CyclicTriangular(0.01, 0.1, 2, 4), 1e-15);
    }

    @Test
    void oneCycle() {
        // Literal torch values (OneCycleLR(o, 0.1, total_steps=20, cycle_momentum=False)), 21 values:
        // torch lets the scheduler reach step total_steps.
        double[] torch = {0.0040000000000000036, 0.013167184270002533, 0.037167184270002526, 0.06683281572999747,
            0.09083281572999748, 0.1, 0.09874640062350874, 0.09504846320134738, 0.089091617757105, 0.0811745653949763,
            0.07169430017913009, 0.06112620219362893, 0.0500002, 0.03887419780637107, 0.028306099820869922,
            0.0188258346050237, 0.010908782242895003, 0.004951936798652629, 0.0012539993764912555, 4e-07,
            0.0012539993764912555};
        OneCycle s = new OneCycle(0.1, 20);
        double initial = 0.1 / 25;
        double min = initial / 1e4;
        assertFormula(s, 21, t -> t <= 5
                ? 0.1 + (initial - 0.1) / 2 * (Math.cos(Math.PI * t / 5.0) + 1)
                : min + (0.1 - min) / 2 * (Math.cos(Math.PI * (t - 5) / 14.0) + 1));
        assertEquals(0.004, s.lr(0), 1e-15);
        assertEquals(0.1, s.lr(5), 1e-15);
        assertEquals(4e-7, s.lr(19), 1e-15);
        assertSeq(torch, s, 1e-15);
        assertThrows(IllegalArgumentException.class, () -> s.lr(21));
    }

    @Test
    void linearWarmupChainsMultiplicatively() {
        LinearWarmup s = new LinearWarmup(4, 0.25, new ExponentialLr(0.1, 0.9));
        assertFormula(s, 12, t -> 0.1 * Math.pow(0.9, t) * (0.25 + 0.75 * Math.min(t, 4) / 4.0));
        assertSeq(WARM_EXP, s, 1e-15);
        assertSeq(WARM_STEP, new LinearWarmup(5, 0.1, new StepLr(0.1, 3, 0.5)), 1e-15);
    }

    @Test
    void argumentsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StepLr(0.1, 0, 0.5));
        assertEquals("stepSize must be > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StepLr(0, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialLr(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(0.1, 5, -1));
        assertThrows(IllegalArgumentException.class, () -> new CosineWarmRestarts(0.1, 3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CyclicTriangular(0.01, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new OneCycle(0.1, 20, 1.5, 25, 1e4));
        assertThrows(IllegalArgumentException.class, () -> new OneCycle(0.1, 20, 0.05, 25, 1e4)); // zero-length warm-up
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(0, 0.5, new ExponentialLr(0.1, 0.9)));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(3, 0, new ExponentialLr(0.1, 0.9)));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmup(3, 0.5, null));
        e = assertThrows(IllegalArgumentException.class, () -> new ExponentialLr(0.1, 0.9).lr(-1));
        assertEquals("step must be >= 0, got -1", e.getMessage());
    }
}
