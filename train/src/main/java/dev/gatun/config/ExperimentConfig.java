package dev.gatun.config;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.Cifar;
import dev.gatun.data.CifarBatch;
import dev.gatun.nn.ActivationTypes;
import dev.gatun.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One experiment as a YAML or JSON config defines it: data, network, loss, optimizer, schedule,
 * regularization, early stopping and training settings, each section read by its own record.
 * {@link #from} checks everything that can be checked without the data (values, unknown keys,
 * combinations, and the layer shapes when the example shape is known) and names the path of
 * every problem in the values and keys at once (then of the first in how they combine); {@link #normalized()} is the config with every default spelled out.
 *
 * @param name the experiment's name, used for its run folder
 * @param seed the seed of every random choice of the run
 * @param backend the backend to run on: scalar, cpu (the default) or cuda
 * @param data the {@code data} section
 * @param model the {@code model} section
 * @param loss the loss: {@code cross_entropy} or {@code mse}
 * @param optimizer the {@code optimizer} section
 * @param scheduleOrNull null for a constant rate
 * @param regularization the {@code regularization} section, which layers may override
 * @param earlyStoppingOrNull null to train every epoch
 * @param training the {@code training} section
 * @param switches optimizer or rate changes, by ascending epoch
 * @param initOrNull the {@code init} section (start from a trained model's weights), or null to
 *     start from the seed's
 * @param normalized the config tree with every default spelled out
 */
public record ExperimentConfig(String name, long seed, String backend, DataConfig data, ModelConfig model,
                               String loss, OptimizerConfig optimizer, ScheduleConfig scheduleOrNull,
                               Penalty regularization, EarlyStoppingConfig earlyStoppingOrNull,
                               TrainingConfig training, List<SwitchConfig> switches, InitConfig initOrNull,
                               ObjectNode normalized) {
    /** The {@code loss} values. */
    public static final List<String> LOSSES = List.of("cross_entropy", "mse");

    /** The top-level keys. */
    static final String[] KEYS = {"name", "seed", "backend", "data", "model", "loss", "optimizer", "schedule",
        "regularization", "early_stopping", "training", "switch", "init"};

    /** Copies the switches and the normalized tree. */
    public ExperimentConfig {
        switches = List.copyOf(switches);
        normalized = normalized.deepCopy();
    }

    /** {@return the normalized config tree (a copy): what {@code config.json} holds} */
    @Override
    public ObjectNode normalized() {
        return normalized.deepCopy();
    }

    /**
     * Reads and validates a config tree; {@code defaultName} names it when it has no {@code name}
     * (the file name, say). A {@code search} section is rejected: expand it with {@link SearchSpace}.
     *
     * @param tree the config tree
     * @param defaultName the name to use when the tree has none
     * @return the validated config
     * @throws ConfigException naming the path of each problem in the values and keys (all of them
     *     at once), else of the first in how the sections combine
     */
    public static ExperimentConfig from(JsonNode tree, String defaultName) {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = ConfigNode.collectingRoot(tree, defaultName, problems);
        if (root.has("search")) {
            throw root.error("search", "this config is a search space; expand it with SearchSpace (gatun train does)");
        }
        // Each section is read on its own, so that one reading reports the problems of all of them.
        root.allowKeys(KEYS);
        String name = root.attempt(() -> {
            String n = root.string("name", defaultName);
            if (!n.matches("[A-Za-z0-9._=+-]+") || n.startsWith(".")) {
                throw root.error("name", "must be a plain file name (letters, digits, . _ - + =), got '" + n + "'");
            }
            return n;
        }, defaultName);
        long seed = root.longValue("seed", 42);
        List<String> backends = new ArrayList<>(BackendRegistry.names());
        backends.sort(null);
        String backend = root.attempt(() -> root.choice("backend", "cpu", backends), "cpu");
        DataConfig data = root.attempt(() -> DataConfig.from(root.object("data")), null);
        ModelConfig model = root.attempt(() -> ModelConfig.from(root.object("model")), null);
        String loss = root.attempt(() -> root.choice("loss", data == null || data.classification() ? "cross_entropy"
                : "mse", LOSSES), null);
        OptimizerConfig optimizer = root.attempt(() -> OptimizerConfig.from(root.objectOrEmpty("optimizer")), null);
        ScheduleConfig schedule = root.attempt(() -> {
            ConfigNode scheduleNode = root.optionalObject("schedule");
            return scheduleNode == null ? null : ScheduleConfig.from(scheduleNode);
        }, null);
        Penalty regularization = root.attempt(() -> Penalty.global(root.objectOrEmpty("regularization")), null);
        EarlyStoppingConfig stopping = root.attempt(() -> {
            ConfigNode stopNode = root.optionalObject("early_stopping");
            return stopNode == null ? null : EarlyStoppingConfig.from(stopNode);
        }, null);
        TrainingConfig training = root.attempt(() -> TrainingConfig.from(root.objectOrEmpty("training")), null);
        List<SwitchConfig> switches = new ArrayList<>();
        int[] last = {0};
        for (ConfigNode s : root.attempt(() -> root.objects("switch"), List.<ConfigNode>of())) {
            SwitchConfig sw = s.attempt(() -> SwitchConfig.from(s, training == null ? Integer.MAX_VALUE
                    : training.epochs()), null);
            if (sw == null) {
                continue;
            }
            if (sw.epoch() <= last[0]) {
                root.report(s.error("epoch", "switches must come in ascending epoch order"));
            }
            last[0] = sw.epoch();
            switches.add(sw);
        }
        // Recorded only when present, so that the config.json of a run without it stays as it was.
        InitConfig init = root.has("init") && model != null
                ? root.attempt(() -> InitConfig.from(root.object("init"), model), null) : null;
        problems.throwIfAny();
        ExperimentConfig c = new ExperimentConfig(name, seed, backend, data, model, loss, optimizer, schedule,
                regularization, stopping, training, switches, init, root.normalized());
        c.checkCombinations();
        return c;
    }

    /**
     * The shape of one example as the network reads it, when known before loading the data:
     * {@code model.input}, else the data source's own (784 pixels for Fashion-MNIST, MNIST and
     * EMNIST, [3, 32, 32] for CIFAR, 2 coordinates for the 2-D synthetic sets); null for a CSV file
     * without {@code model.input}.
     *
     * @return the example shape, or null
     */
    public int[] exampleShapeOrNull() {
        int[] input = model.inputOrNull();
        if (input != null) {
            return input;
        }
        return switch (data.source()) {
            case DataConfig.FashionMnist f -> new int[] {784};
            case DataConfig.Mnist m -> new int[] {784};
            case DataConfig.Emnist e -> new int[] {784};
            case DataConfig.Cifar c -> new int[] {Cifar.CHANNELS, Cifar.SIDE, Cifar.SIDE};
            case DataConfig.Csv c -> null;
            case DataConfig.Images i -> i.channels() != 0 && i.heightWidthOrNull() != null
                    ? new int[] {i.channels(), i.heightWidthOrNull()[0], i.heightWidthOrNull()[1]} : null;
            case DataConfig.Synthetic s -> switch (s.kind()) {
                case "linear" -> new int[] {s.features()};
                case "polynomial" -> new int[] {1};
                default -> new int[] {2};
            };
        };
    }

    /** The classes of a classification source known without loading it; -1 when unknown or regression. */
    int knownClasses() {
        return switch (data.source()) {
            case DataConfig.FashionMnist f -> 10;
            case DataConfig.Mnist m -> 10;
            case DataConfig.Emnist e -> e.split().classes();
            case DataConfig.Cifar c -> c.labels().classes();
            case DataConfig.Csv c -> -1;
            case DataConfig.Images i -> -1;
            case DataConfig.Synthetic s -> switch (s.kind()) {
                case "blobs" -> s.centers();
                case "linear", "polynomial" -> -1;
                default -> 2;
            };
        };
    }

    private void checkCombinations() {
        boolean classes = data.classification();
        boolean oneHot = data.preprocessing().contains("one_hot");
        if (oneHot && !classes) {
            throw new ConfigException("data.preprocessing", "one_hot needs class labels, the data set has regression targets");
        }
        if (loss.equals("cross_entropy") && (!classes || oneHot)) {
            throw new ConfigException("loss", "cross_entropy needs class labels"
                    + (oneHot ? "; drop one_hot from data.preprocessing" : ", the data set has regression targets; use mse"));
        }
        if (loss.equals("mse") && classes && !oneHot) {
            throw new ConfigException("loss", "mse needs numeric targets; add one_hot to data.preprocessing");
        }
        int last = model.layers().size() - 1;
        if (loss.equals("cross_entropy") && model.layers().get(last) instanceof LayerConfig.Activation a
                && a.type().equals(ActivationTypes.SOFTMAX)) {
            throw new ConfigException("model.layers[" + last + "].type", "softmax before cross_entropy, which applies "
                    + "log-softmax to the logits itself: drop this layer");
        }
        checkMonitor("early_stopping.monitor", earlyStoppingOrNull == null ? null : earlyStoppingOrNull.monitor());
        if (scheduleOrNull != null && scheduleOrNull.rule() instanceof ScheduleConfig.Plateau p) {
            checkMonitor("schedule.monitor", p.monitor());
        }
        if (scheduleOrNull != null && scheduleOrNull.rule() instanceof ScheduleConfig.Cyclic c && c.maxLr() <= optimizer.lr()) {
            throw new ConfigException("schedule.max_lr", "must be > optimizer.lr (" + optimizer.lr() + ")");
        }
        boolean idx28 = data.source() instanceof DataConfig.FashionMnist || data.source() instanceof DataConfig.Mnist
                || data.source() instanceof DataConfig.Emnist;
        if (idx28 && model.inputOrNull() != null && Shape.checkedSize(model.inputOrNull()) != 784) {
            throw new ConfigException("model.input", "must hold 784 values (28×28 images), got "
                    + Shape.str(model.inputOrNull()));
        }
        if (data.source() instanceof DataConfig.Cifar && model.inputOrNull() != null
                && Shape.checkedSize(model.inputOrNull()) != CifarBatch.PIXELS) {
            throw new ConfigException("model.input", "must hold " + CifarBatch.PIXELS + " values (3×32×32 images), got "
                    + Shape.str(model.inputOrNull()));
        }
        int[] example = exampleShapeOrNull();
        if (example != null) {
            List<int[]> shapes = ModelFactory.outputShapes(model, example);
            checkOutput(shapes.getLast(), knownClasses());
        }
    }

    /** Checks that the network's output fits the targets: [classes] logits or one-hot, or [1] for regression. */
    void checkOutput(int[] output, int classes) {
        String where = "model.layers[" + (model.layers().size() - 1) + "]";
        if (classes > 0 && (output.length != 1 || output[0] != classes)) {
            throw new ConfigException(where, "the network outputs " + Shape.str(output) + " per example but the data set has "
                    + classes + " classes");
        }
        if (classes < 0 && !data.classification() && (output.length != 1 || output[0] != 1)) {
            throw new ConfigException(where, "the network outputs " + Shape.str(output)
                    + " per example but the regression target is [1]");
        }
    }

    private void checkMonitor(String path, String monitor) {
        if (monitor == null) {
            return;
        }
        if (monitor.startsWith("val_") && data.validation() == 0 && training.folds() == 0) {
            throw new ConfigException(path, monitor + " needs a validation set (data.validation > 0)");
        }
        if (monitor.endsWith("accuracy") && !data.classification()) {
            throw new ConfigException(path, monitor + " needs class labels, the data set has regression targets");
        }
    }
}
