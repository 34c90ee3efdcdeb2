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
import java.util.List;

/**
 * Everything a config's training needs, built the one way {@code gatun train} builds it: the data
 * and its loaders, the network (checked against the memory budget first), its optimizer and its
 * loss with the config's penalties. Studio's playground builds its runs through this too, so a
 * config exported from Studio trains the same in the CLI.
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
 */
public record PreparedExperiment(ExperimentConfig config, ExperimentData data, ModelFactory.Built built,
        ModelCard card, Optimizer optimizer, Loss loss, DataLoader train, DataLoader validation, DataLoader test,
        Checkpoint checkpointOrNull) {

    /**
     * Loads the data and builds the training of {@code config} in {@code scope}, on the current
     * backend's device.
     *
     * @param config the experiment
     * @param checkpointOrNull a checkpoint directory to load into the network, or null
     * @param source where the config comes from, for messages
     * @param scope the scope that owns the data, network and optimizer state
     * @return the prepared training
     * @throws ConfigException for a config that does not fit its data
     * @throws dev.gatun.tensor.MemoryBudgetException when training would pass the memory budget
     * @throws IOException when the data or the checkpoint cannot be read
     */
    public static PreparedExperiment prepare(ExperimentConfig config, Path checkpointOrNull, String source, Scope scope)
            throws IOException {
        ExperimentData data = DataFactory.load(config, scope);
        List<int[]> shapes = ModelFactory.outputShapes(config.model(), data.exampleShape());
        config.checkOutput(shapes.getLast(), data.classes() > 0 ? data.classes() : -1);
        ModelMemory.requireTraining(config, data.exampleShape(), BackendRegistry.device(), source);

        ModelFactory.Built built = ModelFactory.build(config.model(), data.exampleShape(), config.seed(),
                config.regularization());
        Module net = built.module();
        Checkpoint saved = checkpointOrNull == null ? null : Checkpoint.load(checkpointOrNull, net, scope);
        // The optimizer in use when the checkpoint was taken: the config's, or a later switch's.
        OptimizerConfig active = config.optimizer();
        for (SwitchConfig sw : config.switches()) {
            if (saved != null && sw.optimizerOrNull() != null && sw.epoch() - 1 <= saved.epoch()) {
                active = sw.optimizerOrNull();
            }
        }
        Optimizer optimizer = OptimizerFactory.create(active, net.parameters());
        Loss loss = withPenalties(config, built.regularization());

        TrainingConfig t = config.training();
        DataLoader plain = new DataLoader(data.train(), t.batch(), true, config.seed(), false);
        DataLoader train = data.augmentationOrNull() == null ? plain : plain.withAugmentation(data.augmentationOrNull());
        return new PreparedExperiment(config, data, built, ModelCard.of(data), optimizer, loss, train,
                loader(data.validationOrNull(), t.evalBatch()), loader(data.testOrNull(), t.evalBatch()), saved);
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

    private static DataLoader loader(Dataset data, int batch) {
        return data == null ? null : new DataLoader(data, batch, false, 0, false);
    }
}
