package dev.gatun.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigException;
import dev.gatun.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** The median and successive-halving pruners against a board of earlier trials. */
class PrunerTest {
    /** Trials 0..4 finished with val_loss 1.0, 0.8, 0.6, 0.4, 0.2 after every epoch. */
    private static IntermediateValues fiveFinished() {
        IntermediateValues b = new IntermediateValues();
        for (int t = 0; t < 5; t++) {
            for (int e = 1; e <= 4; e++) {
                b.report(t, e, 1.0 - 0.2 * t);
            }
            b.finish(t);
        }
        return b;
    }

    @Test
    void medianStopsATrialWorseThanTheMedianOfFinishedTrialsAtTheSameEpoch() {
        IntermediateValues b = fiveFinished();
        MedianPruner p = new MedianPruner(1, 5);
        b.report(9, 1, 0.7);
        // Epoch 1 is the warmup.
        assertNull(p.reasonToPrune(9, 1, 0.7, b, true));
        b.report(9, 2, 0.7);
        String reason = p.reasonToPrune(9, 2, 0.7, b, true);
        assertEquals("0.7000 above the median 0.6000 of 5 finished trials at epoch 2", reason);
        b.report(9, 3, 0.5);
        assertNull(p.reasonToPrune(9, 3, 0.5, b, true));
        // Maximizing, the same numbers read the other way.
        assertNotNull(p.reasonToPrune(9, 3, 0.5, b, false));
        assertNull(p.reasonToPrune(9, 3, 0.7, b, false));
        // NaN is worse than any median.
        assertNotNull(p.reasonToPrune(9, 3, Double.NaN, b, true));
    }

    @Test
    void medianWaitsForItsStartupTrialsAndIgnoresRunningOrPrunedOnes() {
        IntermediateValues b = new IntermediateValues();
        for (int t = 0; t < 4; t++) {
            b.report(t, 1, 0.1);
            b.finish(t);
        }
        b.report(4, 1, 0.1); // running, not finished
        b.report(5, 1, 5.0);
        assertNull(new MedianPruner(0, 5).reasonToPrune(5, 1, 5.0, b, true), "only 4 finished");
        assertNotNull(new MedianPruner(0, 4).reasonToPrune(5, 1, 5.0, b, true));
        // No finished trial reached epoch 2: nothing to compare with.
        b.report(5, 2, 9.0);
        assertNull(new MedianPruner(0, 4).reasonToPrune(5, 2, 9.0, b, true));
    }

    @Test
    void ashaComparesAtRungsAndKeepsTheBestThird() {
        AshaPruner p = new AshaPruner(1, 3, 0);
        assertTrue(p.isRung(1) && p.isRung(3) && p.isRung(9) && p.isRung(27));
        assertFalse(p.isRung(2) || p.isRung(4) || p.isRung(10));
        assertTrue(new AshaPruner(2, 2, 1).isRung(4) && new AshaPruner(2, 2, 1).isRung(8));
        assertFalse(new AshaPruner(2, 2, 1).isRung(2));
        IntermediateValues b = new IntermediateValues();
        // The first trial at a rung goes on.
        b.report(0, 1, 0.5);
        assertNull(p.reasonToPrune(0, 1, 0.5, b, true));
        // Second: 2 at the rung, keep max(1, 2/3) = 1: the better goes on, the worse stops.
        b.report(1, 1, 0.7);
        assertNotNull(p.reasonToPrune(1, 1, 0.7, b, true));
        b.report(2, 1, 0.3);
        assertNull(p.reasonToPrune(2, 1, 0.3, b, true));
        for (int t = 3; t < 6; t++) {
            b.report(t, 1, 0.4 + t / 100.0);
        }
        // 6 at the rung, the best 2 are 0.3 and 0.43: 0.44 stops, 0.42 would go on.
        b.report(6, 1, 0.44);
        String reason = p.reasonToPrune(6, 1, 0.44, b, true);
        assertEquals("0.4400 not among the best 2 of 7 trials at the rung of epoch 1 (bar 0.4300)", reason);
        // Off a rung, nothing is decided.
        b.report(6, 2, 99);
        assertNull(p.reasonToPrune(6, 2, 99, b, true));
    }

    @Test
    void prunerSectionsAreValidatedWithTheirPath() {
        assertEquals(new MedianPruner(3, 5), Pruner.parse(yaml("{type: median, warmup_epochs: 3}"), "search.pruner"));
        assertEquals(new AshaPruner(2, 4, 0), Pruner.parse(yaml("{type: asha, min_epochs: 2, reduction_factor: 4}"),
                "search.pruner"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> Pruner.parse(yaml("{type: median, min_epochs: 2}"), "search.pruner"));
        assertEquals("search.pruner.min_epochs", e.path());
        e = assertThrows(ConfigException.class, () -> Pruner.parse(yaml("{type: hyperband}"), "search.pruner"));
        assertEquals("search.pruner.type", e.path());
        e = assertThrows(ConfigException.class, () -> Pruner.parse(yaml("{type: asha, reduction_factor: 1}"),
                "search.pruner"));
        assertEquals("search.pruner.reduction_factor", e.path());
    }

    private static tools.jackson.databind.JsonNode yaml(String text) {
        return ConfigLoader.parseYaml(text, "test");
    }
}
