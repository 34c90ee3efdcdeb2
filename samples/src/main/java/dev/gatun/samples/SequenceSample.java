package dev.gatun.samples;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.data.ForecastWindows;
import dev.gatun.data.SumOfSines;
import dev.gatun.data.Splits;
import dev.gatun.data.Subset;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.LSTM;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Evaluation;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.console.ProgressBar;
import dev.gatun.train.metrics.CsvCell;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What recurrent networks are for: forecasting a noisy signal from its recent past. An LSTM reads
 * {@value #WINDOW} steps of a sum of three sines with noise ({@link SumOfSines#standard()}) and
 * predicts the next value. The sample trains on the first {@value #TRAIN} steps (or the first
 * {@code --limit} windows of them; holding out a
 * random {@code --validation} share of those windows for the per-epoch curves), tests on the
 * rest once at the end, and compares the test MSE with two yardsticks: repeating the last value (what a model
 * with no idea of the dynamics does) and the noise variance (what no model can beat). It then
 * plots, in the terminal, one-step predictions and a free-running forecast (the model fed its own
 * outputs) against the truth, and writes them to {@code predictions.csv} in the run folder.
 * The last line is {@code test mse: X}.
 */
public final class SequenceSample {
    static final int LENGTH = 6000;
    static final int TRAIN = 4800;
    static final int WINDOW = 48;
    static final int HIDDEN = 32;
    static final int PLOT = 150;

    private SequenceSample() {}

    /** Default options: 8 epochs, batch 32, Adam lr 3e-3. */
    public static SampleOptions parse(String[] args) {
        return SampleOptions.parse(args, 8, 32, 3e-3);
    }

    /** Runs the sample; returns the test MSE. */
    public static double run(SampleOptions o, PrintStream out) throws IOException {
        BackendRegistry.use(o.backend());
        SumOfSines signal = SumOfSines.standard();
        float[] series = signal.generate(LENGTH, o.seed());
        try (Scope modelScope = Scope.open("model")) {
            Dataset windows = Subset.first(new ForecastWindows(series, 0, TRAIN, WINDOW), o.limit());
            ForecastWindows testSet = new ForecastWindows(series, TRAIN, LENGTH, WINDOW);
            Dataset trainSet = windows;
            DataLoader validation = null;
            if (o.validation() > 0) {
                Splits.TrainValidation split = Splits.trainValidation(windows, o.validation(), o.seed(), false);
                trainSet = split.train();
                validation = new DataLoader(split.validation(), 256, false, 0, false);
            }
            DataLoader train = new DataLoader(trainSet, o.batch(), true, o.seed(), false);
            DataLoader test = new DataLoader(testSet, 256, false, 0, false);
            SplittableRandom rng = new SplittableRandom(o.seed());
            LastStateLinear net = new LastStateLinear(new LSTM(1, HIDDEN, 1, false, true, DType.FLOAT32, rng),
                    1, rng);
            Adam adam = new Adam(net.parameters(), o.lr());
            out.printf(Locale.ROOT, "Forecasting a sum of sines (periods 23, 61, 137; noise σ %.2f): LSTM hidden %d "
                    + "(%d parameters) reads %d steps, predicts the next; %d train windows, %d validation, %d test; "
                    + "batch %d, Adam lr %s, seed %d, backend %s%n", signal.noise(), HIDDEN, net.parameterCount(),
                    WINDOW, trainSet.size(), validation == null ? 0 : validation.dataset().size(), testSet.size(),
                    o.batch(), o.lr(), o.seed(), BackendRegistry.current().description());

            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("sample", "sequence");
            facts.put("model", "LSTM 1→" + HIDDEN + ", last state → linear 1, window " + WINDOW);
            facts.put("backend", BackendRegistry.current().name());
            facts.put("batch", Integer.toString(o.batch()));
            facts.put("lr", Double.toString(o.lr()));
            facts.put("seed", Long.toString(o.seed()));
            facts.put("validation_fraction", Double.toString(o.validation()));
            SampleRun run = SampleRun.open(o, "sequence", facts);
            Trainer trainer = new Trainer(net, adam, Loss.MSE, out, ProgressBar.isTerminal());
            run.attach(trainer, modelScope, out);
            run.fit(trainer, train, validation, o.epochs());
            Evaluation tested = trainer.evaluate(test);
            double mse = tested.loss();

            double naive = 0;
            for (int t = TRAIN + WINDOW; t < LENGTH; t++) {
                double d = series[t] - series[t - 1];
                naive += d * d;
            }
            naive /= LENGTH - TRAIN - WINDOW;
            out.printf(Locale.ROOT, "test mse %.5f vs %.5f repeating the last value; the noise alone is %.5f%n",
                    mse, naive, signal.noise() * signal.noise());

            double[][] curves = forecast(net, series);
            out.print(AsciiChart.render(new String[] {"truth", "one-step prediction"}, new char[] {'.', 'o'},
                    new double[][] {curves[0], curves[1]}, 100, 16));
            out.print(AsciiChart.render(new String[] {"truth", "free-running forecast (fed its own outputs)"},
                    new char[] {'.', '*'}, new double[][] {curves[0], curves[2]}, 100, 16));
            StringBuilder csv = new StringBuilder("t,truth,one_step,free_running\n");
            for (int i = 0; i < PLOT; i++) {
                csv.append(TRAIN + WINDOW + i).append(',').append(CsvCell.number(curves[0][i])).append(',')
                        .append(CsvCell.number(curves[1][i])).append(',').append(CsvCell.number(curves[2][i])).append('\n');
            }
            run.folder().writeAtomically("predictions.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
            Map<String, Double> results = new LinkedHashMap<>();
            results.put("test_loss", mse);
            results.put("test_accuracy", tested.accuracy());
            results.put("test_mse", mse);
            run.finish(net, results);
            out.println("run folder: " + run.folder().path());
            out.printf(Locale.ROOT, "test mse: %.6f%n", mse);
            return mse;
        }
    }

    /**
     * The first {@value #PLOT} test targets: truth, one-step predictions from true windows, and
     * a free-running forecast that starts from the first true window and then reads its own output.
     */
    static double[][] forecast(LastStateLinear net, float[] series) {
        double[] truth = new double[PLOT];
        double[] oneStep = new double[PLOT];
        double[] free = new double[PLOT];
        float[] window = new float[WINDOW];
        System.arraycopy(series, TRAIN, window, 0, WINDOW);
        net.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int i = 0; i < PLOT; i++) {
                int target = TRAIN + WINDOW + i;
                truth[i] = series[target];
                try (Scope step = Scope.open("forecast step")) {
                    float[] actual = new float[WINDOW];
                    System.arraycopy(series, target - WINDOW, actual, 0, WINDOW);
                    oneStep[i] = net.forward(Tensor.of(actual, 1, WINDOW, 1).to(net.device())).item();
                    free[i] = net.forward(Tensor.of(window.clone(), 1, WINDOW, 1).to(net.device())).item();
                }
                System.arraycopy(window, 1, window, 0, WINDOW - 1);
                window[WINDOW - 1] = (float) free[i];
            }
        } finally {
            net.train(true);
        }
        return new double[][] {truth, oneStep, free};
    }
}
