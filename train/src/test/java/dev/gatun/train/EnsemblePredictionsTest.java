package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Soft voting over predictions made by hand: mean probabilities, the vote's class, regression means, refusals. */
class EnsemblePredictionsTest {
    private static final int[] LABELS = {0, 1, 1};

    @Test
    void classProbabilitiesAreTheMeanOfTheMembersSoftmaxes() {
        // Example 0: a is sure of class 0, b and c lean to 1 a little. A majority of hard votes would
        // say 1; the mean probability says 0.
        Predictions a = classes(new double[] {4, 0, 0, 1, -1, 2});
        Predictions b = classes(new double[] {0, 0.5, 0, 2, 0, 0});
        Predictions c = classes(new double[] {0, 0.3, 3, 0, 1, 1});
        EnsemblePredictions vote = new EnsemblePredictions(List.of(a, b, c));
        for (int i = 0; i < 3; i++) {
            double[] expected = new double[2];
            for (Predictions p : List.of(a, b, c)) {
                expected[0] += p.probabilities(i)[0];
                expected[1] += p.probabilities(i)[1];
            }
            assertArrayEquals(new double[] {expected[0] / 3, expected[1] / 3}, vote.probabilities(i), 0.0);
            assertArrayEquals(vote.probabilities(i), vote.combined().probabilities(i), 1e-15,
                    "the combined logits' softmax is the mean");
        }
        assertArrayEquals(new int[] {0, 1, 1}, vote.predictedClasses());
        assertArrayEquals(vote.predictedClasses(), vote.combined().predictedClasses());
        assertEquals(1.0, vote.combined().confusion().accuracy(), 1e-15);
        double nll = 0;
        for (int i = 0; i < 3; i++) {
            nll -= Math.log(vote.probabilities(i)[LABELS[i]]);
        }
        assertEquals(nll / 3, vote.combined().crossEntropy(), 1e-12, "the ensemble's negative log-likelihood");
    }

    @Test
    void regressionValuesAreTheMeanOfTheMembers() {
        double[] targets = {1, 2};
        Predictions a = new Predictions(2, 1, new double[] {1, 4}, null, targets);
        Predictions b = new Predictions(2, 1, new double[] {2, 0}, null, targets);
        Predictions mean = new EnsemblePredictions(List.of(a, b)).combined();
        assertArrayEquals(new double[] {1.5, 2}, mean.outputs(), 0.0);
        assertEquals(0.125, mean.regression().mse(), 1e-15);
    }

    @Test
    void aMemberWithANonFiniteOutputMakesThatExampleNonFinite() {
        Predictions a = classes(new double[] {Double.NaN, 0, 0, 1, -1, 2});
        Predictions b = classes(new double[] {0, 0.5, 0, 2, 0, 0});
        EnsemblePredictions vote = new EnsemblePredictions(List.of(a, b));
        assertFalse(vote.finite(0));
        assertTrue(vote.finite(1));
        assertEquals(1, vote.nonFiniteCount());
    }

    @Test
    void membersOverOtherExamplesAreRefused() {
        Predictions a = classes(new double[] {0, 1, 0, 1, 0, 1});
        Predictions shorter = new Predictions(2, 2, new double[] {0, 1, 0, 1}, new int[] {0, 1}, null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EnsemblePredictions(List.of(a, shorter)))
                .getMessage().contains("ensemble member 2 gave 2 examples × 2 outputs, member 1 gave 3 × 2"));
        Predictions otherLabels = new Predictions(3, 2, new double[6], new int[] {1, 1, 1}, null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new EnsemblePredictions(List.of(a, otherLabels)))
                .getMessage().contains("other labels"));
        assertThrows(IllegalArgumentException.class, () -> new EnsemblePredictions(List.of()));
    }

    private static Predictions classes(double[] logits) {
        return new Predictions(3, 2, logits, LABELS, null);
    }
}
