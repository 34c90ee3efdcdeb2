package dev.gatun.samples;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.FittedPreprocessing;
import dev.gatun.config.ModelCard;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.data.Splits;
import dev.gatun.data.Subset;
import dev.gatun.models.FashionModels;
import dev.gatun.nn.Module;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Evaluation;
import dev.gatun.train.JitWarmUp;
import dev.gatun.train.Loss;
import dev.gatun.train.EvaluationWithPredictions;
import dev.gatun.train.Trainer;
import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.console.ProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Fashion-MNIST classifier samples: one of {@link FashionModels}' networks trained with Adam.
 * A stratified share of the training set ({@code --validation}) is held out for the per-epoch
 * validation curves; the test set is evaluated once at the end. Each prints one line per epoch
 * and finally {@code test accuracy: 0.XXXX}, and writes metrics, checkpoints and the exported
 * model to a run folder ({@link SampleRun}), with the {@link #config config} and model card that
 * let {@code TrainedModel} load it.
 *
 * @param name         sample name on the command line and in the run folder
 * @param description  the network, for the log
 * @param featureShape one image as the network reads it
 * @param epochs       default epochs
 * @param batch        default batch size
 * @param model        builds the network from a seeded generator
 */
public record FashionSample(String name, String description, int[] featureShape, int epochs, int batch,
                            Function<RandomGenerator, Module> model) {
    /** MLP 784-256-128-10 (the {@code make run} default). */
    public static final FashionSample MLP = new FashionSample("mlp", "MLP 784-256-128-10, ReLU",
            new int[] {784}, 10, 128, FashionModels::mlp);

    /** Two 5×5 conv layers with max pooling, then a linear classifier. */
    public static final FashionSample CNN = new FashionSample("cnn",
            "CNN conv5x5 32 → maxpool 2 → ReLU → conv5x5 64 → maxpool 2 → ReLU → linear 3136→10",
            new int[] {1, 28, 28}, 3, 64, FashionModels::cnn);

    /** LSTM over the 28 image rows, last hidden state → linear. */
    public static final FashionSample LSTM = new FashionSample("lstm",
            "LSTM over 28 rows of 28 pixels, hidden 128, last state → linear 10",
            new int[] {28, 28}, 3, 64, FashionModels::lstm);

    /** Default options of this sample (learning rate 1e-3 for all). */
    public SampleOptions parse(String[] args) {
        return SampleOptions.parse(args, epochs, batch, 1e-3);
    }

    /**
     * The config that trains this network as the sample does with {@code o}: the shipped
     * {@code configs/fashion-NAME.yaml} (bundled in this jar) with the options' seed, backend, data,
     * learning rate, epochs and batch.
     */
    public ExperimentConfig config(SampleOptions o) throws IOException {
        String file = "fashion-" + name + ".yaml";
        ObjectNode tree;
        try (InputStream in = FashionSample.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IOException(file + " is missing from the samples jar; rebuild it");
            }
            tree = (ObjectNode) ConfigLoader.parseYaml(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
        }
        tree.put("seed", o.seed());
        tree.put("backend", o.backend());
        ObjectNode data = (ObjectNode) tree.get("data");
        data.put("validation", o.validation());
        data.put("limit", o.limit());
        if (o.data() != null) {
            data.put("dir", o.data().toAbsolutePath().toString());
        }
        ((ObjectNode) tree.get("optimizer")).put("lr", o.lr());
        // A config trains at least one epoch; a sample run of --epochs 0 (an untrained network) records 1.
        ((ObjectNode) tree.get("training")).put("epochs", Math.max(1, o.epochs())).put("batch", o.batch());
        return ExperimentConfig.from(tree, "fashion-" + name);
    }

    /** Runs the sample; returns the final test accuracy. */
    public double run(SampleOptions o, PrintStream out) throws IOException {
        ExperimentConfig trained = config(o);
        BackendRegistry.use(o.backend());
        Path dir = FashionMnist.locate(o.data());
        try (Scope modelScope = Scope.open("model")) {
            Module net = model.apply(new SplittableRandom(o.seed()));
            // While the data loads, the JIT compiles the kernels the first steps need.
            JitWarmUp.start(JitWarmUp.kindsOf(net));
            FashionMnist.Split trainSplit = FashionMnist.Split.load(dir, true, modelScope.arena());
            FashionMnist.Split testSplit = FashionMnist.Split.load(dir, false, modelScope.arena());
            Dataset all = Subset.first(new ImageDataset(trainSplit, featureShape), o.limit());
            Dataset trainSet = all;
            DataLoader validation = null;
            if (o.validation() > 0) {
                Splits.TrainValidation split = Splits.trainValidation(all, o.validation(), o.seed(), true);
                trainSet = split.train();
                validation = new DataLoader(split.validation(), 1000, false, 0, false);
            }
            DataLoader train = new DataLoader(trainSet, o.batch(), true, o.seed(), false);
            DataLoader test = new DataLoader(new ImageDataset(testSplit, featureShape), 1000, false, 0, false);

            Adam adam = new Adam(net.parameters(), o.lr());
            out.printf(Locale.ROOT, "%s (%d parameters) on Fashion-MNIST from %s: %d train, %d validation, %d test; "
                    + "batch %d, Adam lr %s, seed %d, backend %s%n", description, net.parameterCount(), dir,
                    trainSet.size(), validation == null ? 0 : validation.dataset().size(), testSplit.count(),
                    o.batch(), o.lr(), o.seed(), BackendRegistry.current().description());

            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("sample", name);
            facts.put("model", description);
            facts.put("backend", BackendRegistry.current().name());
            facts.put("batch", Integer.toString(o.batch()));
            facts.put("lr", Double.toString(o.lr()));
            facts.put("seed", Long.toString(o.seed()));
            facts.put("train_examples", Integer.toString(trainSet.size()));
            facts.put("validation_fraction", Double.toString(o.validation()));
            SampleRun run = SampleRun.open(o, name, facts);

            Trainer trainer = new Trainer(net, adam, Loss.CROSS_ENTROPY, out, ProgressBar.isTerminal());
            run.attach(trainer, modelScope, out);
            run.fit(trainer, train, validation, o.epochs());
            EvaluationWithPredictions testPass = trainer.evaluateWithPredictions(test);
            Evaluation tested = testPass.evaluation();
            double accuracy = tested.accuracy();
            Map<String, Double> results = new LinkedHashMap<>();
            results.put("test_loss", tested.loss());
            results.put("test_accuracy", accuracy);
            ConfusionMatrix cm = testPass.predictions().confusion();
            results.put("test_macro_f1", cm.macroF1());
            run.confusion(cm, FashionMnist.CLASS_NAMES);
            run.finish(net, results, trained,
                    new ModelCard(featureShape, FashionMnist.CLASS_NAMES, FittedPreprocessing.none()));
            out.println("run folder: " + run.folder().path());
            out.printf(Locale.ROOT, "test accuracy: %.4f%n", accuracy);
            return accuracy;
        }
    }
}
