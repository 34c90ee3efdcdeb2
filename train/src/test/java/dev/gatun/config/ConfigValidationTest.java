package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Bad configs get one exact message naming the path and the problem; good ones read as written. */
class ConfigValidationTest {
    private static final String BASE = """
            name: base
            seed: 7
            data: {source: synthetic, kind: moons, n: 200, validation: 0.2, test: 0.2}
            model:
              layers:
                - {type: dense, units: 8}
                - {type: relu}
                - {type: dense, units: 2}
            optimizer: {type: adam, lr: 0.01}
            training: {epochs: 5, batch: 16}
            """;

    /** Each case: edits of the base config ("path: yaml value" lines) and the expected message. */
    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("model.layers[0].units: 0", "model.layers[0].units: must be > 0"),
                Arguments.of("model.layers[0].unit: 64", "model.layers[0].unit: unknown key (did you mean 'units'?)"),
                Arguments.of("optimizer.type: adamx",
                        "optimizer.type: unknown 'adamx' (known: sgd, adam, adamw, rmsprop, adagrad)"),
                Arguments.of("data.validation: 1.0", "data.validation: must be in [0, 1)"),
                Arguments.of("optimizer.lr: fast", "optimizer.lr: expected a number, got 'fast'"),
                Arguments.of("optimizer.lr: -1", "optimizer.lr: must be > 0"),
                Arguments.of("optimizer.momentum: 0.9", "optimizer.momentum: unknown key (known: type, lr, "
                        + "weight_decay, betas, eps, clip_norm, clip_value)"),
                Arguments.of("optimizer.betas: [0.9]", "optimizer.betas: expected a list of 2 numbers, got a list of 1"),
                Arguments.of("model.layers: [{type: dense, units: 2}, {type: softmax}]",
                        "model.layers[1].type: softmax before cross_entropy, which applies log-softmax to the logits "
                        + "itself: drop this layer"),
                Arguments.of("model.layers[1].type: mish", "model.layers[1].type: unknown 'mish' (known: dense, conv2d, "
                        + "maxpool2d, avgpool2d, globalavgpool2d, batchnorm, flatten, relu, sigmoid, tanh, gelu, "
                        + "leaky_relu, elu, silu, swish, softplus, softmax, dropout, rnn, lstm, gru, last_state, add, concat, residual)"),
                Arguments.of("model.layers[1]: {type: leaky_relu, slope: -0.1}", "model.layers[1].slope: must be >= 0"),
                Arguments.of("model.layers[1]: {type: leaky_relu, slop: 0.1}",
                        "model.layers[1].slop: unknown key (did you mean 'slope'?)"),
                Arguments.of("model.layers[1]: {type: elu, alpha: 0}", "model.layers[1].alpha: must be > 0"),
                Arguments.of("model.layers[1]: {type: elu, alpha: big}",
                        "model.layers[1].alpha: expected a number, got 'big'"),
                Arguments.of("model.layers[1]: {type: gelu, approximate: fast}",
                        "model.layers[1].approximate: unknown 'fast' (known: none, tanh)"),
                Arguments.of("model.layers[1]: {type: gelu, alpha: 1}",
                        "model.layers[1].alpha: unknown key (known: type, trainable, name, inputs, approximate)"),
                Arguments.of("model.layers[1]: {type: swish, slope: 1}", "model.layers[1].slope: unknown key (known: type, trainable, name, inputs)"),
                Arguments.of("loss: mse", "loss: mse needs numeric targets; add one_hot to data.preprocessing"),
                Arguments.of("data.validation: 0\nearly_stopping: {monitor: val_loss}",
                        "early_stopping.monitor: val_loss needs a validation set (data.validation > 0)"),
                Arguments.of("early_stopping: {monitor: val_acc}", "early_stopping.monitor: unknown 'val_acc' "
                        + "(known: val_loss, val_accuracy, train_loss, train_accuracy)"),
                Arguments.of("schedule: {type: cosine}", "schedule.t_max: missing"),
                Arguments.of("schedule: {type: cyclic, max_lr: 0.001, step_size_up: 4}",
                        "schedule.max_lr: must be > optimizer.lr (0.01)"),
                Arguments.of("schedule: {type: plateau, per: batch}",
                        "schedule.per: plateau watches an epoch metric, so it runs per epoch"),
                Arguments.of("training.epochs: 2.5", "training.epochs: expected an integer, got 2.5"),
                Arguments.of("model.layers[2].units: 3",
                        "model.layers[2]: the network outputs [3] per example but the data set has 2 classes"),
                Arguments.of("backend: tpu", "backend: unknown 'tpu' (known: cpu, cuda, fake, scalar)"),
                Arguments.of("data.kind: donut",
                        "data.kind: unknown 'donut' (known: xor, spirals, moons, circles, blobs, linear, polynomial)"),
                Arguments.of("data.centers: 3", "data.centers: unknown key (known: source, validation, preprocessing, "
                        + "augmentation, prefetch, kind, n, noise, test)"),
                Arguments.of("optimizer: {type: sgd, nesterov: true}",
                        "optimizer.nesterov: needs momentum > 0 and dampening = 0"),
                Arguments.of("switch: [{epoch: 1, lr: 0.1}]",
                        "switch[0].epoch: must be in [2, 5] (training.epochs), the first epoch to change"),
                Arguments.of("switch: [{epoch: 3}]", "switch[0]: needs either optimizer or lr"),
                Arguments.of("switch: [{epoch: 3, optimizer: {type: sgd, lr: 0}}]", "switch[0].optimizer.lr: must be > 0"),
                Arguments.of("data.preprocessing: [normalize]",
                        "data.preprocessing[0]: unknown 'normalize' (known: standardize, standardize_channels, min_max, "
                                + "one_hot)"),
                Arguments.of("name: a/b", "name: must be a plain file name (letters, digits, . _ - + =), got 'a/b'"),
                Arguments.of("optimiser: {type: sgd}", "optimiser: unknown key (did you mean 'optimizer'?)"),
                Arguments.of("model.layers: []", "model.layers: must list at least one layer"),
                Arguments.of("model.layers[0]: {type: conv2d, filters: 4, kernel: 3}",
                        "model.layers[0]: conv2d needs one example as an image [channels, height, width], got [2]"),
                Arguments.of("model.layers[0]: {type: conv2d, filters: 4, kernel: [3, 0]}",
                        "model.layers[0].kernel: must be > 0"),
                Arguments.of("model.layers[1]: {type: last_state, units: 2}",
                        "model.layers[1].type: last_state must follow an rnn, lstm or gru layer"),
                Arguments.of("model.layers[1]: {type: dropout, p: 1}", "model.layers[1].p: must be in [0, 1)"),
                Arguments.of("model.layers[1]: {type: batchnorm, sync: 1}", "model.layers[1].sync: expected true or false, got 1"),
                Arguments.of("data: {source: fashion-mnist, validation: 0}\nmodel.input: [28, 29]", "model.input: must hold 784 values (28×28 images), got [28, 29]"),
                Arguments.of("data: {source: fashion-mnist, test: 0.2}",
                        "data.test: the data set has its own test set"),
                Arguments.of("regularization: {l2: -1}", "regularization.l2: must be >= 0"),
                Arguments.of("data.augmentation: [{type: hflip}]",
                        "data.augmentation: needs image examples; synthetic data sets are points"),
                Arguments.of("data: {source: images, path: x, augmentation: [{type: flip}]}",
                        "data.augmentation[0].type: unknown 'flip' (known: random_crop, hflip, noise, erasing)"),
                Arguments.of("data: {source: images, path: x, augmentation: [{type: hflip, p: 2}]}",
                        "data.augmentation[0].p: must be in [0, 1]"),
                Arguments.of("data: {source: images, path: x, augmentation: [{type: random_crop, pad: 0}]}",
                        "data.augmentation[0].pad: must be > 0"),
                Arguments.of("data: {source: images, path: x, augmentation: [{type: erasing, scale: [0.5, 0.1]}]}",
                        "data.augmentation[0].scale: must be [min, max] with 0 <= min <= max <= 1"),
                Arguments.of("data: {source: images, path: x, channels: 2}",
                        "data.channels: must be 1 (gray), 3 (colour) or 0 (as stored), got 2"),
                Arguments.of("data: {source: images}", "data.path: missing"),
                Arguments.of("search: {method: grid}",
                        "search: this config is a search space; expand it with SearchSpace (gatun train does)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigsNameThePathAndTheProblem(String edits, String expected) {
        ObjectNode tree = edited(edits);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.from(tree, "test"));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void theModelInputMustMatchTheNetworkThroughEveryLayer() {
        // [3] reaches dense 8 fine; the case above fails on the output, this one on the first layer's input.
        ObjectNode tree = edited("model.input: [2, 2]");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.from(tree, "test"));
        assertEquals("model.layers[0]: dense needs one example as a flat [features], got [2, 2]; put a flatten layer "
                + "before it", e.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parseYaml("seed: 1\nseed: 2\n", "twice.yaml"));
        assertEquals("twice.yaml", e.path());
        assertEquals(true, e.problem().startsWith("not valid YAML at line 2"), e.getMessage());
    }

    @Test
    void anEmptyFileIsNotAConfig() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.from(ConfigLoader.parseYaml("", "empty.yaml"), "empty"));
        assertEquals("empty: the config must be a mapping of keys to values, got nothing", e.getMessage());
    }

    @Test
    void activationDefaultsAreSpelledOutInTheNormalizedConfig() {
        ExperimentConfig c = ExperimentConfig.from(edited("model.layers[1]: {type: leaky_relu}"), "test");
        assertEquals(0.01, c.normalized().get("model").get("layers").get(1).get("slope").doubleValue());
        c = ExperimentConfig.from(edited("model.layers[1]: {type: gelu}"), "test");
        assertEquals("none", c.normalized().get("model").get("layers").get(1).get("approximate").stringValue());
        c = ExperimentConfig.from(edited("model.layers[1]: {type: elu, alpha: 2}"), "test");
        assertEquals(new LayerConfig.Activation("elu", null, 2), c.model().layers().get(1));
        // softmax is a layer anywhere but right before cross_entropy.
        c = ExperimentConfig.from(edited("model.layers[1]: {type: softmax}"), "test");
        assertEquals(new LayerConfig.Activation("softmax"), c.model().layers().get(1));
    }

    @Test
    void valuesAndDefaultsAreReadAsWritten() {
        ExperimentConfig c = ExperimentConfig.from(edited("optimizer.lr: 1e-4\nschedule: {type: cosine, t_max: 5, "
                + "warmup: 1}\nmodel.layers[0].l2: 0.5\nregularization: {l1: 0.25}"), "test");
        assertEquals("base", c.name());
        assertEquals(7, c.seed());
        assertEquals("cpu", c.backend());
        assertEquals(1e-4, c.optimizer().lr());
        assertEquals(0.9, c.optimizer().beta1());
        assertEquals(0.999, c.optimizer().beta2());
        assertEquals(Double.NaN, c.optimizer().clipNorm());
        assertEquals("cross_entropy", c.loss());
        assertEquals(new ScheduleConfig(new ScheduleConfig.Cosine(5, 0), "epoch", 1, 0.1), c.scheduleOrNull());
        assertEquals(new Penalty(0.25, 0), c.regularization());
        LayerConfig.Dense first = (LayerConfig.Dense) c.model().layers().getFirst();
        assertEquals(new Penalty(0.25, 0.5), first.penalty().orElse(c.regularization()));
        assertEquals(new TrainingConfig(5, 16, 1000, 0), c.training());
        assertNull(c.earlyStoppingOrNull());
        assertArrayEquals(new int[] {2}, c.exampleShapeOrNull());
    }

    @Test
    void theNormalizedConfigSpellsOutDefaultsAndReadsBackToItself() {
        ExperimentConfig c = ExperimentConfig.from(edited("early_stopping: {monitor: val_accuracy}"), "test");
        ObjectNode n = c.normalized();
        assertEquals("max", n.get("early_stopping").get("mode").stringValue());
        assertEquals(3, n.get("early_stopping").get("patience").intValue());
        assertEquals("default", n.get("model").get("layers").get(0).get("init").stringValue());
        assertEquals(0.01, n.get("optimizer").get("lr").doubleValue());
        assertEquals(1e-8, n.get("optimizer").get("eps").doubleValue());
        assertEquals(true, n.get("optimizer").get("clip_norm").isNull());
        ExperimentConfig again = ExperimentConfig.from(n, "other");
        assertEquals(n, again.normalized());
    }

    @Test
    void aMinimalConfigGetsTheDefaults() {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml("""
                data: {source: synthetic, kind: linear}
                model: {layers: [{type: dense, units: 1}]}
                """, "min.yaml"), "min");
        assertEquals("min", c.name());
        assertEquals(42, c.seed());
        assertEquals("mse", c.loss());
        assertEquals("adam", c.optimizer().type());
        assertEquals(0.001, c.optimizer().lr());
        assertEquals(new TrainingConfig(10, 128, 1000, 0), c.training());
        assertEquals(Penalty.NONE, c.regularization());
        assertEquals(0.001, c.normalized().get("optimizer").get("lr").doubleValue());
        assertEquals(128, c.normalized().get("training").get("batch").intValue());
        assertEquals(1000, c.normalized().get("data").get("n").intValue());
    }

    @Test
    void jsonAndYamlReadTheSame() {
        JsonNode yaml = ConfigLoader.parseYaml(BASE, "base.yaml");
        JsonNode json = ConfigLoader.parseJson(ConfigLoader.toJson(yaml), "base.json");
        assertEquals(ExperimentConfig.from(yaml, "x").normalized(), ExperimentConfig.from(json, "x").normalized());
    }

    /** The base config with each "path: value" line set. */
    static ObjectNode edited(String edits) {
        ObjectNode tree = (ObjectNode) ConfigLoader.parseYaml(BASE, "base.yaml");
        for (String line : edits.split("\n")) {
            int colon = line.indexOf(": ");
            String path = line.substring(0, colon);
            JsonNode value = ConfigLoader.parseYaml("v: " + line.substring(colon + 2), "edit").get("v");
            SearchSpace.set(tree, path, value, "edit");
        }
        return tree;
    }
}
