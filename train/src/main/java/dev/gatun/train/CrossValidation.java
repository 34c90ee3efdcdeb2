package dev.gatun.train;

import dev.gatun.data.DataLoader;
import dev.gatun.data.KFold;
import dev.gatun.data.Splits;
import dev.gatun.nn.Module;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Scope;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * k-fold cross-validation: trains a fresh model on each fold's training part, evaluates it on the
 * held-out part, and reports the mean and spread of the held-out loss and accuracy. Each fold's
 * model, optimizer state and tensors live in a scope of their own, closed before the next fold.
 */
public final class CrossValidation {
    private CrossValidation() {}

    /**
     * What one fold reached on its held-out part.
     *
     * @param index the fold's index, 0-based
     * @param heldOut the loss and accuracy on the fold's held-out part
     */
    public record Fold(int index, Evaluation heldOut) {}

    /**
     * Every fold's result and their summary: mean and sample standard deviation (n − 1) of the
     * held-out loss and accuracy (NaN accuracy for regression).
     *
     * @param folds every fold's result
     * @param meanLoss the mean held-out loss
     * @param stdLoss the sample standard deviation of the held-out loss
     * @param meanAccuracy the mean held-out accuracy
     * @param stdAccuracy the sample standard deviation of the held-out accuracy
     */
    public record Result(List<Fold> folds, double meanLoss, double stdLoss, double meanAccuracy, double stdAccuracy) {
        /**
         * {@return one line, e.g. {@code 5-fold: accuracy 0.9120 ± 0.0110, loss 0.2410 ± 0.0301}}
         */
        public String summary() {
            return String.format(Locale.ROOT, "%d-fold: accuracy %.4f ± %.4f, loss %.4f ± %.4f", folds.size(),
                    meanAccuracy, stdAccuracy, meanLoss, stdLoss);
        }
    }

    /**
     * Runs every fold of {@code folds}.
     *
     * @param folds the folds of the data set
     * @param model     builds a fresh, untrained model for fold i (seed it from i for reproducible runs)
     * @param optimizer builds the optimizer over that model
     * @param loss the loss trained and evaluated
     * @param batchSize the training batch size
     * @param epochs the epochs per fold
     * @param seed the base seed of the data orders; fold i uses seed + i
     * @param out where progress is printed
     * @return every fold's result and their summary
     */
    public static Result run(KFold folds, IntFunction<Module> model, Function<Module, Optimizer> optimizer, Loss loss,
                             int batchSize, int epochs, long seed, PrintStream out) {
        if (epochs <= 0) {
            throw new IllegalArgumentException("cross-validation needs epochs > 0, got " + epochs);
        }
        List<Fold> results = new ArrayList<>();
        for (int i = 0; i < folds.k(); i++) {
            Splits.TrainValidation split = folds.fold(i);
            try (Scope fold = Scope.open("fold " + i)) {
                Module net = model.apply(i);
                Trainer trainer = new Trainer(net, optimizer.apply(net), loss, out, false);
                DataLoader train = new DataLoader(split.train(), batchSize, true, seed + i, false);
                DataLoader heldOut = new DataLoader(split.validation(), Math.max(batchSize, 256), false, 0, false);
                trainer.fit(train, null, epochs, null);
                Evaluation e = trainer.evaluate(heldOut);
                results.add(new Fold(i, e));
                out.printf(Locale.ROOT, "fold %d/%d: held-out loss %.4f accuracy %.4f (%d examples)%n", i + 1, folds.k(),
                        e.loss(), e.accuracy(), e.samples());
            }
        }
        double[] losses = results.stream().mapToDouble(f -> f.heldOut().loss()).toArray();
        double[] accuracies = results.stream().mapToDouble(f -> f.heldOut().accuracy()).toArray();
        Result r = new Result(List.copyOf(results), mean(losses), std(losses), mean(accuracies), std(accuracies));
        out.println(r.summary());
        return r;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
