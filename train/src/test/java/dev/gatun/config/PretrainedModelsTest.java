package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.data.FashionMnist;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Predictions;
import dev.gatun.train.metrics.ConfusionMatrix;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The models committed under {@code pretrained/}: each loads and scores exactly the test accuracy
 * its {@code accuracy.json} and the README state, its weights are the checksum stated, and the
 * spirals MLP retrained from its config is the committed file byte for byte. The Fashion-MNIST
 * model is checked when the data set is installed.
 */
class PretrainedModelsTest {
    static final List<String> MODELS = List.of("spirals-mlp", "fashion-mlp", "fashion-cnn", "fashion-lstm");

    @Test
    void theSpiralsMlpScoresItsStatedAccuracyExactly() throws IOException {
        scoresItsStatedAccuracy("spirals-mlp");
    }

    @Test
    void theFashionMlpScoresItsStatedAccuracyExactly() throws IOException {
        try {
            FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
        }
        scoresItsStatedAccuracy("fashion-mlp");
    }

    private static void scoresItsStatedAccuracy(String name) throws IOException {
        Path dir = PretrainedFolders.model(name);
        JsonNode stated = ConfigLoader.read(dir.resolve(ModelExport.ACCURACY));
        try (Scope scope = Scope.open(name)) {
            TrainedModel model = TrainedModel.load(dir);
            Predictions p = Predictions.of(model.module(), new DataLoader(ModelInputs.labelled(model, null, null), 500,
                    false, 0, false));
            ConfusionMatrix cm = p.confusion();
            long correct = 0;
            for (int c = 0; c < cm.classes(); c++) {
                correct += cm.count(c, c);
            }
            assertEquals(stated.get("test_examples").longValue(), p.count(), name);
            assertEquals(stated.get("test_correct").longValue(), correct, name);
            assertEquals(stated.get("test_accuracy").doubleValue(), cm.accuracy(), name);
        }
    }

    @Test
    void retrainingTheSpiralsMlpFromItsConfigGivesTheCommittedWeightsByteForByte(@org.junit.jupiter.api.io.TempDir
            Path runs) throws IOException {
        ExperimentConfig config = ConfigLoader.load(PretrainedFolders.config("spirals-mlp")).getFirst();
        ExperimentResult r = ExperimentRunner.run(config, runs,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        Path committed = PretrainedFolders.model("spirals-mlp");
        for (String file : List.of(TrainedModel.WEIGHTS, ModelCard.FILE, TrainedModel.CONFIG)) {
            assertArrayEquals(Files.readAllBytes(committed.resolve(file)), Files.readAllBytes(r.folder().resolve(file)),
                    file + " differs from the committed one");
        }
        Path export = runs.resolve("export");
        ModelExport.write(r.folder().path(), export, "configs/pretrained/spirals-mlp.yaml");
        assertArrayEquals(Files.readAllBytes(committed.resolve(ModelExport.ACCURACY)),
                Files.readAllBytes(export.resolve(ModelExport.ACCURACY)));
    }

    @Test
    void everyModelHasItsFilesItsChecksumAndItsReadmeRow() throws IOException {
        String readme = Files.readString(PretrainedFolders.root().resolve("pretrained").resolve("README.md"));
        long bytes = 0;
        for (String name : MODELS) {
            Path dir = PretrainedFolders.model(name);
            JsonNode stated = ConfigLoader.read(dir.resolve(ModelExport.ACCURACY));
            String sha = ModelExport.sha256(dir.resolve(TrainedModel.WEIGHTS));
            assertEquals(stated.get("model_sha256").stringValue(), sha, name);
            assertEquals("configs/pretrained/" + name + ".yaml", stated.get("config").stringValue());
            assertTrue(Files.isRegularFile(PretrainedFolders.config(name)), name);
            assertTrue(readme.contains("`" + sha + "`"), name + ": the README lacks its sha256 " + sha);
            String accuracy = String.format(java.util.Locale.ROOT, "%.4f", stated.get("test_accuracy").doubleValue());
            assertTrue(readme.contains("| " + accuracy + " |"), name + ": the README lacks its accuracy " + accuracy);
            assertTrue(readme.contains("[" + name + "](" + name + "/report.md)"), name + ": no README row links its report");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    bytes += Files.size(f);
                }
            }
            ExperimentConfig c = ConfigLoader.load(PretrainedFolders.config(name)).getFirst();
            assertEquals(name, c.name());
            assertEquals(stated.get("epochs").intValue(), c.training().epochs(), name);
        }
        assertTrue(bytes < 2_000_000, "the pre-trained models should stay small: " + bytes + " bytes");
    }

    @Test
    void theFineTuningConfigsReadAndValidate() throws IOException {
        try (Stream<Path> files = Files.list(PretrainedFolders.config("x").getParent())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                ConfigLoader.load(f);
            }
        }
    }
}
