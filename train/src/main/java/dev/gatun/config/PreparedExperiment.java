package dev.gatun.config;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.nn.Module;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Regularization;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a config's training needs, built the one way {@code gatun train} builds it: the data
 * and its loaders, the network (checked against the memory budget first), its optimizer and its
 * loss with the config's penalties. Studio's playground builds its runs through this too, so a
 * config exported from Studio trains the same in the CLI.
 *
 * <p>A config with an {@code init} section starts from a trained model: its data is preprocessed
 * with that model's fitted statistics and its network gets that model's weights, except in the
 * layers of {@code init.fresh} (all checked before anything trains; see {@link PretrainedStart}).
 * Layers with {@code trainable: false} are frozen: the optimizer is given only
 * {@link Module#trainableParameters()}, so they get no gradient, no optimizer state, no penalty and
 * no clipping. A run resumed from a checkpoint takes its weights from the checkpoint.
 *
 * @param config the experiment
 * @param data the loaded data
 * @param built the network and the penalties its layers asked for
 * @param card the model card of the data
 * @param optimizer the optimizer in use (after a checkpoint, the one active when it was taken)
 * @param loss the loss with the penalties added
 * @param train the shuffled training batches (augmented, if the config asks)
 * @param validation the validation batches, or null
 * @param test the test batches, or null
 * @param checkpointOrNull the checkpoint loaded into the network, or null for a fresh run
 * @param initOrNull what the network took from the model of {@code init.from} (after a
 *     checkpoint, what it took when the run started), or null when the config has no {@code init}
 */
public record PreparedExperiment(ExperimentConfig config, ExperimentData data, ModelFactory.Built built,
        ModelCard card, Optimizer optimizer, Loss loss, DataLoader train, DataLoader validation, DataLoader test,
        Checkpoint checkpointOrNull, PretrainedStart.Summary initOrNull) {
    /** The fewest feature values a batch holds for its loader to prefetch (see {@code data.prefetch}). */
    public static final long PREFETCH_MIN_VALUES = 1 << 14;

    /**
     * Loads the data and builds the training of {@code config} in {@code scope}, on the current
     * backend's device.
     *
     * @param config the experiment
     * @param checkpointOrNull a checkpoint directory to load into the network, or null
     * @param source where the config comes from, for messages
     * @param scope the scope that owns the data, network and optimizer state
     * @return the prepared training
     * @throws ConfigException for a config that does not fit its data, or whose {@code init} model
     *     does not fit the network (naming the layer and both shapes)
     * @throws dev.gatun.tensor.MemoryBudgetException when training would pass the memory budget
     * @throws IOException when the data, the checkpoint or the {@code init} model cannot be read
     */
    public static PreparedExperiment prepare(ExperimentConfig config, Path checkpointOrNull, String source, Scope scope)
            throws IOException {
        InitConfig init = config.initOrNull();
        try (PretrainedStart start = init == null ? null : PretrainedStart.load(init)) {
            return prepare(config, checkpointOrNull, source, scope, start);
        }
    }

    private static PreparedExperiment prepare(ExperimentConfig config, Path checkpointOrNull, String source,
            Scope scope, PretrainedStart startOrNull) throws IOException {
        ExperimentData data = DataFactory.load(config, scope, startOrNull == null ? null : startOrNull.preprocessing());
        List<int[]> shapes = ModelFactory.outputShapes(config.model(), data.exampleShape());
        config.checkOutput(shapes.getLast(), data.classes() > 0 ? data.classes() : -1);
        ModelMemory.requireTraining(config, data.exampleShape(), BackendRegistry.device(), source);

        ModelFactory.Built built = ModelFactory.build(config.model(), data.exampleShape(), config.seed(),
                config.regularization());
        Module net = built.module();
        PretrainedStart.Summary init = startOrNull == null ? null
                : checkpointOrNull == null ? startOrNull.copyInto(built, config) : startOrNull.describe(built, config);
        Checkpoint saved = checkpointOrNull == null ? null : Checkpoint.load(checkpointOrNull, net, scope);
        // The optimizer in use when the checkpoint was taken: the config's, or a later switch's.
        OptimizerConfig active = config.optimizer();
        for (SwitchConfig sw : config.switches()) {
            if (saved != null && sw.optimizerOrNull() != null && sw.epoch() - 1 <= saved.epoch()) {
                active = sw.optimizerOrNull();
            }
        }
        Optimizer optimizer = OptimizerFactory.create(active, net.trainableParameters());
        Loss loss = withPenalties(config, built.regularization());

        TrainingConfig t = config.training();
        DataLoader plain = new DataLoader(data.train(), t.batch(), true, config.seed(), false)
                .withPrefetch(prefetch(data.train(), t.batch(), config));
        DataLoader train = data.augmentationOrNull() == null ? plain : plain.withAugmentation(data.augmentationOrNull());
        return new PreparedExperiment(config, data, built, ModelCard.of(data), optimizer, loss, train,
                loader(data.validationOrNull(), t.evalBatch(), config), loader(data.testOrNull(), t.evalBatch(), config),
                saved, init);
    }

    /**
     * A new optimizer of {@code optimizer}'s kind over the network's trainable parameters (frozen
     * layers left out), for a run that switches optimizers as it goes.
     *
     * @param optimizer the optimizer section
     * @return the optimizer
     */
    public Optimizer newOptimizer(OptimizerConfig optimizer) {
        return OptimizerFactory.create(optimizer, module().trainableParameters());
    }

    /**
     * {@return how the run starts, for its report: the layers frozen, the trainable and frozen
     * parameter counts and, for a config with {@code init}, where its weights came from; empty for
     * a run from the seed with every layer trained}
     */
    public Map<String, String> startInfo() {
        Map<String, String> info = new LinkedHashMap<>();
        ModelConfig model = config.model();
        if (!model.frozenLayers().isEmpty()) {
            info.put("frozen_layers", layerList(model, model.frozenLayers()));
            info.put("trainable_parameters", Long.toString(module().trainableParameterCount()));
            info.put("frozen_parameters", Long.toString(module().parameterCount() - module().trainableParameterCount()));
        }
        InitConfig init = config.initOrNull();
        if (init != null) {
            info.put("init_from", init.from().toString());
            info.put("init_fresh_layers", init.fresh().isEmpty() ? "none" : layerList(model, init.fresh()));
            if (initOrNull != null && !initOrNull.unused().isEmpty()) {
                info.put("init_unused", String.join(" ", initOrNull.unused()));
            }
        }
        return info;
    }

    /** "4 (dense), 5 (last_state)". */
    private static String layerList(ModelConfig model, List<Integer> layers) {
        StringBuilder sb = new StringBuilder();
        for (int i : layers) {
            sb.append(sb.isEmpty() ? "" : ", ").append(i).append(" (").append(LayerConfig.typeName(model.layers().get(i)))
                    .append(')');
        }
        return sb.toString();
    }

    /** {@return the network} */
    public Module module() {
        return built.module();
    }

    /**
     * The config's loss with {@code penalties} added, as training uses it.
     *
     * @param config the experiment, whose {@code loss} names the base loss
     * @param penalties the penalties to add, none for the plain loss
     * @return the loss
     */
    public static Loss withPenalties(ExperimentConfig config, List<Regularization> penalties) {
        Loss base = config.loss().equals("mse") ? Loss.MSE : Loss.CROSS_ENTROPY;
        return penalties.isEmpty() ? base : Regularization.addTo(base, penalties.toArray(Regularization[]::new));
    }

    private static DataLoader loader(Dataset data, int batch, ExperimentConfig config) {
        return data == null ? null : new DataLoader(data, batch, false, 0, false).withPrefetch(prefetch(data, batch, config));
    }

    /**
     * The batches a loader prepares ahead: {@code data.prefetch}, or none for batches of fewer than
     * {@link #PREFETCH_MIN_VALUES} feature values, which the training thread gathers in less time
     * than a hand-over between threads takes (and a small network's epoch, 20 batches of spirals,
     * would start a thread of its own).
     */
    static int prefetch(Dataset data, int batch, ExperimentConfig config) {
        long values = batch;
        for (int d : data.featureShape()) {
            values *= d;
        }
        return values < PREFETCH_MIN_VALUES ? 0 : config.data().prefetch();
    }
}
