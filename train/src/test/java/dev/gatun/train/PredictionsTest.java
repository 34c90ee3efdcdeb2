package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Linear;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A model's outputs over a data set, and the metrics computed from them, against hand values. */
class PredictionsTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** logits = [x0, x1, 0] for input (x0, x1): a fixed 2→3 linear map without bias. */
    private static Linear identityHead() {
        Linear l = new Linear(2, 3, false, DType.FLOAT32, new SplittableRandom(1));
        l.weight().tensor().copyFrom(Tensor.of(new float[] {1, 0, 0, 1, 0, 0}, 3, 2));
        return l;
    }

    @Test
    void classifierOutputsMetricsAndTiesFollowTheFirstMaximum() {
        // Rows: logits (2,0,0) class 0; (0,1,0) class 1; (0,0,0) a three-way tie, labelled 2;
        // (-1,-1,0): class 2 wins; batch 3 leaves a last batch of one.
        float[] x = {2, 0, 0, 1, 0, 0, -1, -1};
        int[] y = {0, 1, 2, 2};
        ArrayDataset data = ArrayDataset.classification(x, new int[] {2}, y, 3);
        Predictions p = Predictions.of(identityHead(), new DataLoader(data, 3, false, 0, false));
        assertEquals(4, p.count());
        assertEquals(3, p.width());
        assertArrayEquals(new int[] {0, 1, 0, 2}, p.predictedClasses());
        assertEquals(3.0 / 4, p.confusion().accuracy());
        // The tie: true class 2 ranks behind classes 0 and 1, so it counts from top-3 only.
        assertEquals(3.0 / 4, p.topK(2));
        assertEquals(1.0, p.topK(3));
        double ce = (Math.log(Math.exp(2) + 2) - 2) + (Math.log(Math.E + 2) - 1) + Math.log(3)
                + Math.log(2 * Math.exp(-1) + 1);
        assertEquals(ce / 4, p.crossEntropy(), 1e-6);
        double[] prob = p.probabilities(0);
        assertEquals(Math.exp(2) / (Math.exp(2) + 2), prob[0], 1e-7);
        assertEquals(1.0, prob[0] + prob[1] + prob[2], 1e-12);
        assertThrows(IllegalStateException.class, p::regression);
    }

    @Test
    void regressionOutputsGiveMseMaeAndR2() {
        float[] x = {1, 0, 2, 0, 3, 0};
        float[] t = {1, 2, 5};
        Linear one = new Linear(2, 1, false, DType.FLOAT32, new SplittableRandom(1));
        one.weight().tensor().copyFrom(Tensor.of(new float[] {1, 0}, 1, 2));
        ArrayDataset data = ArrayDataset.regression(x, new int[] {2}, t, new int[] {1});
        Predictions p = Predictions.of(one, new DataLoader(data, 2, false, 0, false));
        var r = p.regression();
        assertEquals((0 + 0 + 4) / 3.0, r.mse(), 1e-12);
        assertEquals((0 + 0 + 2) / 3.0, r.mae(), 1e-12);
        double mean = 8 / 3.0;
        double tot = Math.pow(1 - mean, 2) + Math.pow(2 - mean, 2) + Math.pow(5 - mean, 2);
        assertEquals(1 - 4 / tot, r.r2(), 1e-12);
        assertThrows(IllegalStateException.class, p::confusion);
    }

    @Test
    void oneTestPassGivesTheEvaluationAndThePredictionsOfTwo() {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[2 * 23];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] y = new int[23];
        float[] t = new float[23 * 3];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(3);
            t[3 * i + y[i]] = 1 + (float) r.nextGaussian();
        }
        Linear net = new Linear(2, 3, true, DType.FLOAT32, new SplittableRandom(2));
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        Object[][] cases = {
            {ArrayDataset.classification(x, new int[] {2}, y, 3), Loss.CROSS_ENTROPY},
            {ArrayDataset.regression(x, new int[] {2}, t, new int[] {3}), Loss.MSE},
        };
        for (Object[] c : cases) {
            // Batches of 5: a last batch of 3.
            DataLoader data = new DataLoader((ArrayDataset) c[0], 5, false, 0, false);
            Trainer trainer = new Trainer(net, new Sgd(net.parameters(), 0.1, 0, 0, 0, false), (Loss) c[1], silent, false);
            EvaluationWithPredictions once = trainer.evaluateWithPredictions(data);
            assertEquals(trainer.evaluate(data), once.evaluation());
            Predictions twice = Predictions.of(net, data);
            assertEquals(23, once.predictions().count());
            assertArrayEquals(twice.outputs(), once.predictions().outputs());
            assertArrayEquals(twice.labels(), once.predictions().labels());
            assertArrayEquals(twice.targets(), once.predictions().targets());
        }
    }
}
