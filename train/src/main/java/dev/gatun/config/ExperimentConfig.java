package dev.gatun.config;

import dev.gatun.backend.BackendRegistry;
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
 * combinations, and the layer shapes when the example shape is known) and names the path of the
 * first problem; {@link #normalized()} is the config with every default spelled out.
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
     * @throws ConfigException naming the path of the first problem
     */
    public static ExperimentConfig from(JsonNode tree, String defaultName) {
        ConfigNode root = ConfigNode.root(tree, defaultName);
        if (root.has("search")) {
            throw root.error("search", "this config is a search space; expand it with SearchSpace (gatun train does)");
        }
        root.allowKeys(KEYS);
        String name = root.string("name", defaultName);
        if (!name.matches("[A-Za-z0-9._=+-]+") || name.startsWith(".")) {
            throw root.error("name", "must be a plain file name (letters, digits, . _ - + =), got '" + name + "'");
        }
        long seed = root.longValue("seed", 42);
        List<String> backends = new ArrayList<>(BackendRegistry.names());
        backends.sort(null);
        String backend = root.choice("backend", "cpu", backends);
        DataConfig data = DataConfig.from(root.object("data"));
        ModelConfig model = ModelConfig.from(root.object("model"));
        String loss = root.choice("loss", data.classification() ? "cross_entropy" : "mse", LOSSES);
        OptimizerConfig optimizer = OptimizerConfig.from(root.objectOrEmpty("optimizer"));
        ConfigNode scheduleNode = root.optionalObject("schedule");
        ScheduleConfig schedule = scheduleNode == null ? null : ScheduleConfig.from(scheduleNode);
        Penalty regularization = Penalty.global(root.objectOrEmpty("regularization"));
        ConfigNode stopNode = root.optionalObject("early_stopping");
        EarlyStoppingConfig stopping = stopNode == null ? null : EarlyStoppingConfig.from(stopNode);
        TrainingConfig training = TrainingConfig.from(root.objectOrEmpty("training"));
        List<SwitchConfig> switches = new ArrayList<>();
        int last = 0;
        for (ConfigNode s : root.objects("switch")) {
            SwitchConfig sw = SwitchConfig.from(s, training.epochs());
            if (sw.epoch() <= last) {
                throw s.error("epoch", "switches must come in ascending epoch order");
            }
            last = sw.epoch();
            switches.add(sw);
        }
        // Recorded only when present, so that the config.json of a run without it stays as it was.
        InitConfig init = root.has("init") ? InitConfig.from(root.object("init"), model) : null;
        ExperimentConfig c = new ExperimentConfig(name, seed, backend, data, model, loss, optimizer, schedule,
                regularization, stopping, training, switches, init, root.normalized());
        c.checkCombinations();
        return c;
    }

    /**
     * The shape of one example as the network reads it, when known before loading the data:
     * {@code model.input}, else the data source's own (784 pixels for Fashion-MNIST, 2 coordinates
     * for the 2-D synthetic sets); null for a CSV file without {@code model.input}.
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
        for (int i = 0; i < switches.size(); i++) {
            if (scheduleOrNull != null && !Double.isNaN(switches.get(i).lr())) {
                throw new ConfigException("switch[" + i + "].lr", "the schedule drives the rate; switch the optimizer "
                        + "or drop the schedule");
            }
        }
        if (scheduleOrNull != null && scheduleOrNull.rule() instanceof ScheduleConfig.Cyclic c && c.maxLr() <= optimizer.lr()) {
            throw new ConfigException("schedule.max_lr", "must be > optimizer.lr (" + optimizer.lr() + ")");
        }
        if (data.source() instanceof DataConfig.FashionMnist && model.inputOrNull() != null
                && Shape.checkedSize(model.inputOrNull()) != 784) {
            throw new ConfigException("model.input", "must hold 784 values (28×28 images), got "
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
