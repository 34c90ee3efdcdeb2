package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.io.SafetensorsReader;
import dev.gatun.nn.Parameter;
import dev.gatun.report.RunMetrics;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning from the committed spirals MLP: a new task with three classes (Gaussian blobs), the
 * two hidden layers frozen and the head replaced. Frozen weights stay bit-identical to the
 * pre-trained ones, have no gradient and no optimizer state; a model that does not fit is refused
 * before anything trains, naming the layer and both shapes.
 */
class FineTuningTest {
    @TempDir
    Path runs;

    /** The spirals network with a 3-class head, its hidden layers frozen, started from pretrained/spirals-mlp. */
    static String blobs(String init) {
        return """
                name: blobs-from-spirals
                seed: 11
                data: {source: synthetic, kind: blobs, n: 600, centers: 3, noise: 1.5, validation: 0.1, test: 0.25}
                model:
                  layers:
                    - {type: dense, units: 64, trainable: false}
                    - {type: tanh}
                    - {type: dense, units: 64, trainable: false}
                    - {type: tanh}
                    - {type: dense, units: 3}
                optimizer: {type: adamw, lr: 0.01, weight_decay: 0.01, clip_norm: 1.0}
                regularization: {l2: 0.001}
                training: {epochs: 8, batch: 32}
                """ + init + "\n";
    }

    static ExperimentConfig config(String yaml) {
        return ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test.yaml"), "blobs-from-spirals");
    }

    static String initFromSpirals(String fresh) {
        return "init: {from: '" + PretrainedFolders.model("spirals-mlp").toAbsolutePath() + "'" + fresh + "}";
    }

    @Test
    void frozenLayersStayBitIdenticalWithoutGradientsOrOptimizerState() throws IOException {
        ExperimentConfig c = config(blobs(initFromSpirals(", fresh: [last]")));
        Map<String, byte[]> pretrained = rawBytes(PretrainedFolders.model("spirals-mlp").resolve(TrainedModel.WEIGHTS));
        try (Scope scope = Scope.open("fine-tune")) {
            PreparedExperiment p = PreparedExperiment.prepare(c, null, "test", scope);
            Map<String, byte[]> start = rawBytes(p.module().state());
            for (String name : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
                assertArrayEquals(pretrained.get(name), start.get(name), name + " starts as the pre-trained weights");
            }
            assertEquals(List.of("4.weight", "4.bias"), names(p.module().trainableParameters()));
            assertEquals(List.of("4.weight", "4.bias"), names(p.optimizer().parameters()));
            List<Parameter> head = p.module().parameters().subList(4, 6);
            assertEquals(1, p.built().regularization().size());
            assertEquals(head.stream().map(Parameter::tensor).toList(),
                    p.built().regularization().getFirst().parameters().stream().map(Parameter::tensor).toList(),
                    "the l2 penalty leaves the frozen layers out");

            Trainer trainer = new Trainer(p.module(), p.optimizer(), p.loss(), quiet(), false);
            trainer.fit(p.train(), p.validation(), c.training().epochs(), null);

            Map<String, byte[]> end = rawBytes(p.module().state());
            for (String name : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
                assertArrayEquals(pretrained.get(name), end.get(name), name + " changed while frozen");
            }
            assertFalse(java.util.Arrays.equals(start.get("4.weight"), end.get("4.weight")), "the head trained");
            for (Parameter frozen : p.module().parameters().subList(0, 4)) {
                assertNull(frozen.grad(), frozen.name() + " has a gradient");
                assertFalse(frozen.trainable());
            }
            assertEquals(List.of("exp_avg.4.weight", "exp_avg_sq.4.weight", "exp_avg.4.bias", "exp_avg_sq.4.bias"),
                    List.copyOf(trainer.optimizer().stateTensors().keySet()), "AdamW holds state for the head only");
            assertTrue(trainer.evaluate(p.test()).accuracy() > 0.9, "the frozen spirals features separate the blobs");

            Map<String, String> info = p.startInfo();
            assertEquals("0 (dense), 2 (dense)", info.get("frozen_layers"));
            assertEquals("195", info.get("trainable_parameters"));
            assertEquals(Long.toString(2 * 64 + 64 + 64 * 64 + 64), info.get("frozen_parameters"));
            assertEquals("4 (dense)", info.get("init_fresh_layers"));
            assertEquals("4.weight 4.bias", info.get("init_unused"), "the replaced 2-class head is left out");
        }
    }

    @Test
    void aFineTunedRunSaysWhereItStartedAndScoresLikeTheRunItSaved() throws IOException {
        ExperimentConfig c = config(blobs(initFromSpirals(", fresh: [-1]")));
        PrintStream out = quiet();
        ExperimentResult r = ExperimentRunner.run(c, runs, out);
        assertTrue(r.metric("test_accuracy") > 0.9, r.finalMetrics().toString());
        RunMetrics m = RunMetrics.read(r.folder().path());
        assertEquals(PretrainedFolders.model("spirals-mlp").toAbsolutePath().toString(), m.run().get("init_from"));
        assertEquals("4 (dense)", m.run().get("init_fresh_layers"));
        assertEquals("0 (dense), 2 (dense)", m.run().get("frozen_layers"));
        String config = Files.readString(r.folder().resolve(TrainedModel.CONFIG));
        assertTrue(config.contains("\"fresh\" : [ 4 ]") && config.contains("\"trainable\" : false"), config);

        // The saved run loads like any other and scores its own test part as the run did.
        try (Scope scope = Scope.open("eval")) {
            TrainedModel saved = TrainedModel.load(r.folder().path());
            dev.gatun.train.Predictions p = dev.gatun.train.Predictions.of(saved.module(), new dev.gatun.data.DataLoader(
                    ModelInputs.labelled(saved, null, null), 64, false, 0, false));
            assertEquals(r.metric("test_accuracy"), p.confusion().accuracy(), 1e-6);
        }
    }

    @Test
    void aFineTunedRunResumedFromItsCheckpointEqualsTheUninterruptedOne() throws IOException {
        String yaml = blobs(initFromSpirals(", fresh: [last]")).replace("training: {epochs: 8, batch: 32}",
                "training: {epochs: 4, batch: 32, checkpoint_every: 1}");
        ExperimentResult whole = ExperimentRunner.run(config(yaml), runs.resolve("whole"), quiet());
        ExperimentResult half = ExperimentRunner.run(config(yaml.replace("epochs: 4", "epochs: 2")), runs.resolve("half"),
                quiet());
        ExperimentResult resumed = ExperimentRunner.resume(half.folder().path(), 4, quiet());
        Map<String, byte[]> expected = rawBytes(whole.folder().resolve(TrainedModel.WEIGHTS));
        Map<String, byte[]> actual = rawBytes(resumed.folder().resolve(TrainedModel.WEIGHTS));
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
        Map<String, byte[]> pretrained = rawBytes(PretrainedFolders.model("spirals-mlp").resolve(TrainedModel.WEIGHTS));
        assertArrayEquals(pretrained.get("0.weight"), actual.get("0.weight"), "still frozen after the resume");
        assertEquals(whole.metric("test_accuracy"), resumed.metric("test_accuracy"));
        assertEquals(RunMetrics.read(whole.folder().path()).run(), RunMetrics.read(resumed.folder().path()).run(),
                "the resumed run reports the same start");
    }

    @Test
    void aLayerThatDoesNotFitIsRefusedBeforeTrainingNamingTheLayerAndBothShapes() throws IOException {
        Path model = PretrainedFolders.model("spirals-mlp");
        String before = ModelExport.sha256(model.resolve(TrainedModel.WEIGHTS));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentRunner.run(config(blobs(initFromSpirals(""))), runs, quiet()));
        assertEquals("model.layers[4] (dense): weight is [2, 64] in " + model.toAbsolutePath()
                + " but [3, 64] in the config; list the layer in init.fresh (--fresh-head for the last) to start it fresh",
                e.getMessage());
        try (Stream<Path> left = Files.list(runs)) {
            assertEquals(0, left.count(), "nothing was trained or written");
        }
        assertEquals(before, ModelExport.sha256(model.resolve(TrainedModel.WEIGHTS)));

        // A wider first layer: the first layer it meets is named, with both shapes.
        ConfigException wider = assertThrows(ConfigException.class, () -> ExperimentRunner.run(config(
                blobs(initFromSpirals(", fresh: [last]")).replace("{type: dense, units: 64, trainable: false}\n"
                        + "    - {type: tanh}\n    - {type: dense, units: 64, trainable: false}",
                        "{type: dense, units: 32, trainable: false}\n    - {type: tanh}\n"
                                + "    - {type: dense, units: 64, trainable: false}")), runs, quiet()));
        assertTrue(wider.getMessage().startsWith("model.layers[0] (dense): weight is [64, 2] in "), wider.getMessage());
        assertTrue(wider.getMessage().contains(" but [32, 2] in the config"), wider.getMessage());
    }

    @Test
    void thePreTrainedPreprocessingIsReusedAndADifferentOneRefused() throws IOException {
        // A model trained on standardized blobs, then fine-tuned on other blobs: the new run keeps its statistics.
        String base = """
                name: standardized
                seed: 3
                data: {source: synthetic, kind: blobs, n: 300, centers: 3, validation: 0, test: 0.2, preprocessing: [standardize]}
                model: {layers: [{type: dense, units: 8}, {type: relu}, {type: dense, units: 3}]}
                training: {epochs: 2, batch: 32}
                """;
        ExperimentResult first = ExperimentRunner.run(config(base), runs.resolve("first"), quiet());
        ModelCard trained = ModelCard.read(first.folder().path());
        String init = "init: {from: '" + first.folder().path().toAbsolutePath() + "'}\n";
        ExperimentResult tuned = ExperimentRunner.run(config(base.replace("seed: 3", "seed: 4") + init),
                runs.resolve("tuned"), quiet());
        ModelCard card = ModelCard.read(tuned.folder().path());
        assertEquals(trained.preprocessing().toJson(), card.preprocessing().toJson());
        try (Scope scope = Scope.open("refit")) {
            ExperimentData refit = DataFactory.load(config(base.replace("seed: 3", "seed: 4")), scope);
            assertFalse(refit.preprocessing().toJson().equals(card.preprocessing().toJson()),
                    "other blobs fit other statistics: the tuned run reused the pre-trained ones");
        }
        // And its evaluation on its own data uses the saved statistics too.
        try (Scope scope = Scope.open("eval")) {
            TrainedModel saved = TrainedModel.load(tuned.folder().path());
            dev.gatun.train.Predictions p = dev.gatun.train.Predictions.of(saved.module(), new dev.gatun.data.DataLoader(
                    ModelInputs.labelled(saved, null, null), 64, false, 0, false));
            assertEquals(tuned.metric("test_accuracy"), p.confusion().accuracy(), 1e-6);
        }

        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                config(base.replace("preprocessing: [standardize]", "preprocessing: [min_max]") + init), runs, quiet()));
        assertEquals("data.preprocessing: [min_max] differs from [standardize], the steps the model in init.from was "
                + "trained with; its fitted statistics are reused, so list the same steps", e.getMessage());
    }

    @Test
    void theInitSectionAndTrainableAreCheckedLikeEveryOtherKey() {
        String spirals = initFromSpirals("");
        // Both layers that say 'no' are reported at once.
        assertEquals("2 problems: model.layers[0].trainable: expected true or false, got 'no'; "
                + "model.layers[2].trainable: expected true or false, got 'no'", message(
                blobs(spirals).replace("trainable: false}", "trainable: 'no'}")));
        assertEquals("model.layers[1].trainable: a tanh layer has no parameters to freeze; set trainable: false on "
                + "layers with weights", message(blobs(spirals).replace("- {type: tanh}\n    - {type: dense, units: 64",
                "- {type: tanh, trainable: false}\n    - {type: dense, units: 64")));
        assertEquals("model.layers: every layer with parameters has trainable: false, so nothing would train",
                message(blobs(spirals).replace("{type: dense, units: 3}", "{type: dense, units: 3, trainable: false}")));
        assertEquals("init.fresh: model.layers[1] (tanh) has no weights to start fresh",
                message(blobs(initFromSpirals(", fresh: [1]"))));
        assertEquals("init.fresh[1]: layer 5 is out of range: model.layers has 5 layers (0 to 4, or -1 for the last)",
                message(blobs(initFromSpirals(", fresh: [0, 5]"))));
        assertEquals("init.fresh: expected a layer index or 'last', got 'head'",
                message(blobs(initFromSpirals(", fresh: head"))));
        assertEquals("2 problems: init.form: unknown key (did you mean 'from'?); init.from: missing",
                message(blobs("init: {form: x}")));
        assertEquals(List.of(0, 4), config(blobs(initFromSpirals(", fresh: [last, 0]"))).initOrNull().fresh());
        // Without the keys, config.json stays as it was: no init, no trainable: true.
        tools.jackson.databind.node.ObjectNode plain = config(blobs("").replace(", trainable: false", "")).normalized();
        assertFalse(plain.has("init") || plain.toString().contains("trainable"), plain.toString());
    }

    @Test
    void aLayerMissingFromTheInitModelIsNamedWithTheTensorsItHas() {
        String deeper = blobs(initFromSpirals(", fresh: [4]")).replace("    - {type: dense, units: 3}",
                "    - {type: dense, units: 64}\n    - {type: tanh}\n    - {type: dense, units: 3}");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentRunner.run(config(deeper), runs, quiet()));
        assertEquals("model.layers[6] (dense): weight (6.weight) is not in "
                + PretrainedFolders.model("spirals-mlp").toAbsolutePath() + ", which has [0.weight, 0.bias, 2.weight, "
                + "2.bias, 4.weight, 4.bias]; list the layer in init.fresh to start it fresh", e.getMessage());
    }

    @Test
    void anLstmAndItsLastStateHeadFreezeEachOnItsOwn() {
        String layers = "    - {type: dense, units: 64, trainable: false}\n    - {type: tanh}\n"
                + "    - {type: dense, units: 64, trainable: false}\n    - {type: tanh}\n    - {type: dense, units: 3}";
        // model.input makes the examples sequences for the factory; no data is loaded.
        ExperimentConfig c = config(blobs("").replace(layers,
                "    - {type: lstm, hidden: 6, trainable: false}\n    - {type: last_state, units: 3}")
                .replace("model:\n  layers:", "model:\n  input: [5, 4]\n  layers:"));
        try (Scope scope = Scope.open("lstm")) {
            ModelFactory.Built built = ModelFactory.build(c.model(), new int[] {5, 4}, 1, Penalty.NONE);
            assertEquals(List.of("head.weight", "head.bias"), names(built.module().trainableParameters()));
            built.layerOfTensor().forEach((name, layer) -> assertEquals(name.startsWith("head.") ? 1 : 0, layer, name));
            Tensor x = Tensor.of(new float[2 * 5 * 4], 2, 5, 4);
            built.module().forward(x).sum().backward();
            for (Parameter p : built.module().parameters()) {
                assertEquals(p.name().startsWith("head."), p.grad() != null, p.name());
            }
        }
    }

    @Test
    void aMissingInitFolderIsRefusedByItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                config(blobs("init: {from: no-such-run}")), runs, quiet()));
        assertEquals("init.from: no-such-run is not a folder: name a run folder, an export or a checkpoint (with "
                + "config.json, model.json and model.safetensors)", e.getMessage());
    }

    private static String message(String yaml) {
        return assertThrows(ConfigException.class, () -> config(yaml)).getMessage();
    }

    private static List<String> names(List<Parameter> ps) {
        return ps.stream().map(Parameter::name).toList();
    }

    static Map<String, byte[]> rawBytes(Path weights) throws IOException {
        try (Scope scope = Scope.open("read")) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            SafetensorsReader.read(weights, scope).forEach((k, t) -> out.put(k, bytes(t)));
            return out;
        }
    }

    static Map<String, byte[]> rawBytes(List<Parameter> state) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        state.forEach(p -> out.put(p.name(), bytes(p.tensor())));
        return out;
    }

    private static byte[] bytes(Tensor t) {
        return t.contiguous().segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
