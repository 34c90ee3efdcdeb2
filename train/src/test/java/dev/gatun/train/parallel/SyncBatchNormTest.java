package dev.gatun.train.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.autograd.Autograd;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.BatchNorm2d;
import dev.gatun.ops.Normalization;
import dev.gatun.ops.SyncBatchNorm;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Synchronized BatchNorm over two in-process ranks ({@link ThreadRanks}) with batches of 3 and 5
 * [N, 2, 2, 2] examples: its gradients against finite differences of the global batch's mean loss,
 * and its outputs, gradients and running statistics against plain BatchNorm over the two batches
 * concatenated, as one process would compute them.
 */
class SyncBatchNormTest {
    private static final int[] BATCHES = {3, 5};
    private static final int C = 2;
    private static final int SPATIAL = 4;
    private static final int M = (BATCHES[0] + BATCHES[1]) * SPATIAL;

    /** What one rank computed: its loss, output, gradients and running statistics. */
    record RankResult(double loss, double[] y, double[] dx, double[] dgamma, double[] dbeta, double[] runningMean,
                      double[] runningVar) {}

    static double[] draw(int n, long seed, double scale, double shift) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * scale + shift;
        }
        return v;
    }

    static double[][] inputs() {
        return new double[][] {draw(BATCHES[0] * C * SPATIAL, 1, 2, 1), draw(BATCHES[1] * C * SPATIAL, 2, 1.5, -0.5)};
    }

    /** The loss weights: rank r's loss is mean(y ⊙ w_r). */
    static double[] lossWeights(int rank) {
        return draw(BATCHES[rank] * C * SPATIAL, 10 + rank, 1, 0);
    }

    static Tensor leaf(double[] v, DType dtype, int... shape) {
        return Tensor.of(v, shape).to(dtype).requiresGrad(true);
    }

    /** Forward and backward of the synchronized op on both ranks. */
    static List<RankResult> synced(double[][] x, double[] gamma, double[] beta, DType dtype) throws Exception {
        return new ThreadRanks(2).run(c -> {
            try (Scope scope = Scope.open("rank " + c.rank())) {
                int r = c.rank();
                Tensor xt = leaf(x[r], dtype, BATCHES[r], C, 2, 2);
                Tensor g = leaf(gamma, dtype, C);
                Tensor b = leaf(beta, dtype, C);
                Tensor rm = Tensor.zeros(dtype, C);
                Tensor rv = Tensor.ones(dtype, C);
                Tensor y = SyncBatchNorm.apply(xt, g, b, rm, rv, 0.1, 1e-5, v -> c.allReduce(v, Reduction.SUM));
                return backward(r, xt, g, b, y, rm, rv);
            }
        });
    }

    /** Backward of mean(y ⊙ w_r) from y; collects what the rank computed. */
    static RankResult backward(int r, Tensor x, Tensor g, Tensor b, Tensor y, Tensor rm, Tensor rv) {
        double[] w = lossWeights(r);
        double[] yv = y.toDoubleArray();
        double loss = 0;
        double[] dy = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            loss += yv[i] * w[i] / w.length;
            dy[i] = w[i] / w.length;
        }
        Autograd.backward(y, Tensor.of(dy, y.shape()).to(y.dtype()));
        return new RankResult(loss, yv, x.grad().toDoubleArray(), g.grad().toDoubleArray(), b.grad().toDoubleArray(),
                rm.toDoubleArray(), rv.toDoubleArray());
    }

    /** The global batch's mean loss: each rank's mean loss weighted by its share of the values. */
    static double globalLoss(List<RankResult> ranks) {
        double loss = 0;
        for (int r = 0; r < 2; r++) {
            loss += ranks.get(r).loss() * BATCHES[r] * SPATIAL / M;
        }
        return loss;
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheGlobalLoss() throws Exception {
        double[][] x = inputs();
        double[] gamma = {1.3, -0.7};
        double[] beta = {0.2, 0.4};
        List<RankResult> at = synced(x, gamma, beta, DType.FLOAT64);
        double h = 1e-6;
        for (int r = 0; r < 2; r++) {
            double share = (double) BATCHES[r] * SPATIAL / M;
            for (int i = 0; i < x[r].length; i++) {
                double keep = x[r][i];
                x[r][i] = keep + h;
                double up = globalLoss(synced(x, gamma, beta, DType.FLOAT64));
                x[r][i] = keep - h;
                double down = globalLoss(synced(x, gamma, beta, DType.FLOAT64));
                x[r][i] = keep;
                assertEquals((up - down) / (2 * h), share * at.get(r).dx()[i], 1e-7, "dx of rank " + r + " at " + i);
            }
        }
        for (double[] p : new double[][] {gamma, beta}) {
            for (int ch = 0; ch < C; ch++) {
                double keep = p[ch];
                p[ch] = keep + h;
                double up = globalLoss(synced(x, gamma, beta, DType.FLOAT64));
                p[ch] = keep - h;
                double down = globalLoss(synced(x, gamma, beta, DType.FLOAT64));
                p[ch] = keep;
                double combined = 0;
                for (int r = 0; r < 2; r++) {
                    RankResult rr = at.get(r);
                    combined += (p == gamma ? rr.dgamma() : rr.dbeta())[ch] * BATCHES[r] * SPATIAL / M;
                }
                assertEquals((up - down) / (2 * h), combined, 1e-7, (p == gamma ? "dγ" : "dβ") + " at " + ch);
            }
        }
    }

    @Test
    void twoRanksComputeWhatOneProcessComputesOnTheirBatchesTogether() throws Exception {
        double[][] x = inputs();
        double[] gamma = {1.3, -0.7};
        double[] beta = {0.2, 0.4};
        // The layer, synchronized by the sum DataParallel installs.
        List<RankResult> ranks = new ThreadRanks(2).run(c -> {
            try (Scope scope = Scope.open("rank " + c.rank())) {
                int r = c.rank();
                BatchNorm2d bn = new BatchNorm2d(C, 1e-5, 0.1, DType.FLOAT32);
                bn.setSynchronized(true);
                bn.weight().tensor().copyFrom(Tensor.of(gamma, C).to(DType.FLOAT32));
                bn.bias().tensor().copyFrom(Tensor.of(beta, C).to(DType.FLOAT32));
                new DataParallel(c, 4096).prepare(bn, new Sgd(bn.parameters(), 0.1));
                Tensor xt = leaf(x[r], DType.FLOAT32, BATCHES[r], C, 2, 2);
                Tensor y = bn.forward(xt);
                return backward(r, xt, bn.weight().tensor(), bn.bias().tensor(), y, bn.runningMean(), bn.runningVar());
            }
        });
        try (Scope scope = Scope.open("one process")) {
            double[] all = new double[M * C];
            System.arraycopy(x[0], 0, all, 0, x[0].length);
            System.arraycopy(x[1], 0, all, x[0].length, x[1].length);
            Tensor xt = leaf(all, DType.FLOAT32, BATCHES[0] + BATCHES[1], C, 2, 2);
            Tensor g = leaf(gamma, DType.FLOAT32, C);
            Tensor b = leaf(beta, DType.FLOAT32, C);
            Tensor rm = Tensor.zeros(DType.FLOAT32, C);
            Tensor rv = Tensor.ones(DType.FLOAT32, C);
            Tensor y = Normalization.batchNorm(xt, g, b, rm, rv, true, 0.1, 1e-5);
            double[] w = new double[M * C];
            System.arraycopy(lossWeights(0), 0, w, 0, x[0].length);
            System.arraycopy(lossWeights(1), 0, w, x[0].length, x[1].length);
            double[] dy = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                dy[i] = w[i] / w.length;
            }
            Autograd.backward(y, Tensor.of(dy, y.shape()).to(DType.FLOAT32));
            double[] yv = y.toDoubleArray();
            double[] dx = xt.grad().toDoubleArray();
            int differs = 0;
            for (int r = 0, from = 0; r < 2; from += x[r].length, r++) {
                RankResult rr = ranks.get(r);
                double share = (double) BATCHES[r] * SPATIAL / M;
                double[] plain = plainOutput(x[r], gamma, beta, BATCHES[r]);
                for (int i = 0; i < x[r].length; i++) {
                    assertEquals(yv[from + i], rr.y()[i], 2e-5, "y of rank " + r + " at " + i);
                    assertEquals(dx[from + i], share * rr.dx()[i], 1e-6, "dx of rank " + r + " at " + i);
                    differs += Math.abs(plain[i] - rr.y()[i]) > 1e-3 ? 1 : 0;
                }
                for (int ch = 0; ch < C; ch++) {
                    assertEquals(rm.toDoubleArray()[ch], rr.runningMean()[ch], 1e-6, "running mean of rank " + r);
                    assertEquals(rv.toDoubleArray()[ch], rr.runningVar()[ch], 1e-5, "running var of rank " + r);
                }
            }
            double[] dgamma = g.grad().toDoubleArray();
            for (int ch = 0; ch < C; ch++) {
                double combined = 0;
                for (int r = 0; r < 2; r++) {
                    combined += ranks.get(r).dgamma()[ch] * BATCHES[r] * SPATIAL / M;
                }
                assertEquals(dgamma[ch], combined, 1e-6, "dγ at " + ch);
            }
            // Each rank's own statistics (without sync) give other outputs: the sync is what makes them equal.
            assertTrue(differs > 0);
        }
    }

    @Test
    void aStepThatLeavesARankWithoutExamplesIsRefused() throws Exception {
        List<String> refusals = new ThreadRanks(2).run(c -> {
            try (Scope scope = Scope.open("rank " + c.rank())) {
                BatchNorm2d bn = new BatchNorm2d(C, 1e-5, 0.1, DType.FLOAT32);
                bn.setSynchronized(true);
                DataParallel parallel = new DataParallel(c, 4096);
                parallel.prepare(bn, new Sgd(bn.parameters(), 0.1));
                // 33 examples in global batches of 32: the last one has 1 example for 2 ranks.
                DataLoader loader = new DataLoader(Synthetic.twoSpirals(33, 0.02, 5), 32, true, 5, false);
                return assertThrows(RunRefusedException.class, () -> parallel.trainingPlan(loader)).getMessage();
            }
        });
        assertEquals("synchronized BatchNorm needs an example on every rank in every step: the last global batch has 1"
                + " examples for 2 ranks; change the batch size or data.limit", refusals.get(0));
    }

    /** Plain training-mode BatchNorm of one rank's batch alone. */
    static double[] plainOutput(double[] x, double[] gamma, double[] beta, int n) {
        Tensor y = Normalization.batchNorm(Tensor.of(x, n, C, 2, 2).to(DType.FLOAT32), Tensor.of(gamma, C).to(DType.FLOAT32),
                Tensor.of(beta, C).to(DType.FLOAT32), null, null, true, 0.1, 1e-5);
        return y.toDoubleArray();
    }

    @Test
    void oneProcessLeavesItPlainBatchNorm() throws Exception {
        try (Scope scope = Scope.open("single")) {
            BatchNorm2d bn = new BatchNorm2d(C, 1e-5, 0.1, DType.FLOAT32);
            bn.setSynchronized(true);
            new DataParallel(new SingleProcess(), 4096).prepare(bn, new Sgd(bn.parameters(), 0.1));
            double[] x = inputs()[1];
            double[] y = bn.forward(Tensor.of(x, BATCHES[1], C, 2, 2).to(DType.FLOAT32)).toDoubleArray();
            double[] plain = plainOutput(x, new double[] {1, 1}, new double[] {0, 0}, BATCHES[1]);
            for (int i = 0; i < y.length; i++) {
                assertEquals(plain[i], y[i], 0.0, "element " + i);
            }
        }
    }
}
