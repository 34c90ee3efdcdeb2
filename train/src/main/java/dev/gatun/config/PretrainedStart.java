package dev.gatun.config;

import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trained model a config's {@code init.from} names, held while a run is prepared: its fitted
 * preprocessing goes to the data ({@link DataFactory}) and its weights into the new network
 * ({@link #copyInto}). It lives in a scope of its own, freed by {@link #close()}; the new run's data
 * and network go in the scope that was current when it was loaded.
 */
public final class PretrainedStart implements AutoCloseable {
    private final InitConfig init;
    private final TrainedModel model;
    private final Scope scope;

    private PretrainedStart(InitConfig init, TrainedModel model, Scope scope) {
        this.init = init;
        this.model = model;
        this.scope = scope;
    }

    /**
     * Loads the model {@code init.from} names (as {@link TrainedModel#load} does) in a scope of its own.
     *
     * @param init the {@code init} section
     * @return the loaded model; close it once its weights are copied
     * @throws ConfigException naming {@code init.from} when it is not a trained-model folder
     * @throws IOException when one of its files cannot be read or is malformed (the message names it)
     */
    public static PretrainedStart load(InitConfig init) throws IOException {
        if (!Files.isDirectory(init.from())) {
            throw new ConfigException("init.from", init.from() + " is not a folder: name a run folder, an export or a "
                    + "checkpoint (with config.json, model.json and model.safetensors)");
        }
        Scope own = Scope.open("init " + init.from());
        try {
            TrainedModel model = TrainedModel.load(init.from());
            // Off this thread's stack: what the run builds next goes in the scope below.
            own.detach();
            return new PretrainedStart(init, model, own);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /** {@return the loaded model} */
    public TrainedModel model() {
        return model;
    }

    /** {@return the preprocessing fitted when the model was trained, which the new run's data reuses} */
    public FittedPreprocessing preprocessing() {
        return model.card().preprocessing();
    }

    /**
     * Copies the loaded weights into {@code built}, layer by layer, leaving the layers of
     * {@code init.fresh} as the seed made them; tensors of the loaded model that no layer takes (a
     * head the config replaced) are left out. Everything is checked before anything is copied.
     *
     * @param built the new network, on the host
     * @param config the new run's config
     * @return what was copied and what was not
     * @throws ConfigException naming the layer, its type, the tensor and both shapes, for a layer
     *     whose tensors are missing from the loaded model or do not fit
     */
    public Summary copyInto(ModelFactory.Built built, ExperimentConfig config) {
        return match(built, config, true);
    }

    /**
     * What {@link #copyInto} would take, without checking or copying anything: for a run resumed
     * from a checkpoint, whose weights come from the checkpoint, to report the same start.
     *
     * @param built the new network
     * @param config the new run's config
     * @return what the run took from the loaded model when it started
     */
    public Summary describe(ModelFactory.Built built, ExperimentConfig config) {
        return match(built, config, false);
    }

    private Summary match(ModelFactory.Built built, ExperimentConfig config, boolean copy) {
        List<LayerConfig> layers = config.model().layers();
        Map<String, Tensor> saved = new LinkedHashMap<>();
        for (Parameter p : model.module().state()) {
            saved.put(p.name(), p.tensor());
        }
        Map<Tensor, Tensor> copies = new LinkedHashMap<>();
        List<String> unused = new ArrayList<>(saved.keySet());
        for (Parameter p : built.module().state()) {
            int layer = built.layerOfTensor().get(p.name());
            if (init.isFresh(layer)) {
                continue;
            }
            Tensor from = saved.get(p.name());
            unused.remove(p.name());
            if (!copy) {
                continue;
            }
            String where = "model.layers[" + layer + "] (" + LayerConfig.typeName(layers.get(layer)) + ")";
            String local = localName(p.name());
            if (from == null) {
                throw new ConfigException(where, local + " (" + p.name() + ") is not in " + init.from()
                        + ", which has " + saved.keySet() + "; list the layer in init.fresh to start it fresh");
            }
            if (!Arrays.equals(from.shape(), p.tensor().shape()) || from.dtype() != p.tensor().dtype()) {
                throw new ConfigException(where, local + " is " + Shape.str(from.shape()) + " in " + init.from()
                        + " but " + Shape.str(p.tensor().shape()) + " in the config; list the layer in init.fresh"
                        + " (--fresh-head for the last) to start it fresh");
            }
            copies.put(p.tensor(), from);
        }
        // Only once every layer fits: a refused start leaves the new network as the seed made it.
        copies.forEach(Tensor::copyFrom);
        return new Summary(init, copies.size(), unused);
    }

    /** A tensor's name within its layer: {@code 4.weight} is {@code weight}. */
    private static String localName(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && name.substring(0, dot).chars().allMatch(Character::isDigit) ? name.substring(dot + 1) : name;
    }

    /** Frees the loaded model. */
    @Override
    public void close() {
        scope.close();
    }

    /**
     * What a run took from its {@code init.from} model.
     *
     * @param init the {@code init} section
     * @param copied how many tensors were copied (0 when only {@link #describe described})
     * @param unused the loaded model's tensors that no layer took, by name
     */
    public record Summary(InitConfig init, int copied, List<String> unused) {
        /** Copies the list of unused tensors. */
        public Summary {
            unused = List.copyOf(unused);
        }
    }
}
