package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed Fashion-MNIST MLP fine-tuned to a new number of classes: 1,500 images of the test
 * split as a CSV file whose labels are 4 groups of the 10 classes (tops, trousers and dresses,
 * footwear, bags). Its hidden layers are frozen and stay bit-identical, a fresh 4-class head is
 * trained on the pre-trained model's standardized features. Skipped without the data set.
 */
class FashionFineTuningTest {
    // T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot
    private static final List<String> GROUP = List.of("top", "bottom", "top", "bottom", "top", "shoes", "top", "shoes",
            "bag", "shoes");

    @TempDir
    Path dir;

    @Test
    void theFashionMlpFineTunesToFourGroupsWithItsHiddenLayersFrozen() throws IOException {
        Path data;
        try {
            data = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
            return;
        }
        Path csv = dir.resolve("groups.csv");
        int n = 1500;
        try (Scope scope = Scope.open("csv"); Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            ImageDataset images = new ImageDataset(FashionMnist.Split.load(data, false, scope.arena()), 784);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Tensor x = Tensor.zeros(scope, DType.FLOAT32, n, 784);
            Tensor y = Tensor.zeros(scope, DType.INT32, n);
            images.fill(order, 0, n, x, y);
            float[] pixels = x.toFloatArray();
            int[] labels = y.toIntArray();
            StringBuilder header = new StringBuilder();
            for (int p = 0; p < 784; p++) {
                header.append('p').append(p).append(',');
            }
            w.write(header.append("group\n").toString());
            for (int i = 0; i < n; i++) {
                StringBuilder row = new StringBuilder();
                for (int p = 0; p < 784; p++) {
                    row.append(pixels[i * 784 + p]).append(',');
                }
                w.write(row.append(GROUP.get(labels[i])).append('\n').toString());
            }
        }
        Path model = PretrainedFolders.model("fashion-mlp");
        String yaml = """
                name: fashion-groups
                seed: 5
                data: {source: csv, path: '%s', label: group, validation: 0.1, test: 0.2, preprocessing: [standardize]}
                model:
                  input: [784]
                  layers:
                    - {type: dense, units: 128, trainable: false}
                    - {type: relu}
                    - {type: dense, units: 64, trainable: false}
                    - {type: relu}
                    - {type: dense, units: 4}
                optimizer: {type: adam, lr: 0.003}
                training: {epochs: 4, batch: 32}
                init: {from: '%s', fresh: [last]}
                """.formatted(csv.toAbsolutePath(), model.toAbsolutePath());
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "groups.yaml"), "fashion-groups");
        ExperimentResult r = ExperimentRunner.run(config, dir.resolve("runs"),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));

        assertTrue(r.metric("test_accuracy") > 0.9, "4 groups from frozen Fashion features: " + r.finalMetrics());
        Map<String, byte[]> pretrained = FineTuningTest.rawBytes(model.resolve(TrainedModel.WEIGHTS));
        Map<String, byte[]> tuned = FineTuningTest.rawBytes(r.folder().resolve(TrainedModel.WEIGHTS));
        for (String name : List.of("0.weight", "0.bias", "2.weight", "2.bias")) {
            assertArrayEquals(pretrained.get(name), tuned.get(name), name + " changed while frozen");
        }
        assertEquals(List.of(4, 64), List.of(shape(r, "4.weight")));
        // The pre-trained standardization, not one refitted on these 1,500 images.
        assertEquals(ModelCard.read(model).preprocessing().toJson(), ModelCard.read(r.folder().path()).preprocessing().toJson());
        assertEquals(List.of("bag", "bottom", "shoes", "top"), ModelCard.read(r.folder().path()).classNames());
    }

    private static Integer[] shape(ExperimentResult r, String tensor) throws IOException {
        int[] s = dev.gatun.io.SafetensorsReader.shapes(r.folder().resolve(TrainedModel.WEIGHTS)).get(tensor);
        return java.util.Arrays.stream(s).boxed().toArray(Integer[]::new);
    }
}
