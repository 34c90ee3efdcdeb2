package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.Dataset;
import dev.gatun.data.Emnist;
import dev.gatun.data.SeedDatasetFiles;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code data.source: mnist | emnist | cifar10 | cifar100}: validation, loading, and a CIFAR run end to end. */
class SeedDatasetsConfigTest {
    private static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    private static final String MLP = """
            model:
              layers:
                - {type: flatten}
                - {type: dense, units: %d}
            """;

    @TempDir
    Path dir;

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of("{source: mnist}", 10,
                        "data.dir: needed to find train_images, train_labels, test_images, test_labels (or give each file's path)"),
                Arguments.of("{source: mnist, train_images: a, train_labels: b, test_images: c}", 10,
                        "data.dir: needed to find test_labels (or give each file's path)"),
                Arguments.of("{source: mnist, dir: d, test: 0.2}", 10, "data.test: the data set has its own test set"),
                Arguments.of("{source: emnist, dir: d, split: Letters}", 26,
                        "data.split: unknown 'Letters' (known: balanced, byclass, bymerge, letters, digits, mnist)"),
                Arguments.of("{source: emnist, dir: d, split: letters}", 10,
                        "model.layers[1]: the network outputs [10] per example but the data set has 26 classes"),
                Arguments.of("{source: cifar10, dir: d, labels: fine}", 10, "data.labels: unknown key (known: source, validation, preprocessing, augmentation, prefetch, dir, limit, test)"),
                Arguments.of("{source: cifar100, dir: d, labels: coarse}", 100,
                        "model.layers[1]: the network outputs [100] per example but the data set has 20 classes"),
                Arguments.of("{source: cifar100, dir: d, labels: medium}", 100,
                        "data.labels: unknown 'medium' (known: fine, coarse)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badDataSectionsNameThePathAndTheProblem(String data, int units, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> config("data: " + data + "\n" + MLP.formatted(units)));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void theNormalizedConfigReadsBackToTheSameSource() {
        for (String data : List.of("{source: mnist, dir: d, test_labels: t.idx}", "{source: emnist, dir: d, split: byclass}",
                "{source: cifar10, dir: d}", "{source: cifar100, dir: d, labels: coarse}")) {
            ExperimentConfig c = config("data: " + data + "\n" + MLP.formatted(data.contains("byclass") ? 62
                    : data.contains("coarse") ? 20 : 10));
            ExperimentConfig again = ExperimentConfig.from(c.normalized(), "again");
            assertEquals(c.data(), again.data(), data);
            assertEquals(c.normalized(), again.normalized(), data);
        }
    }

    @Test
    void theModelInputMustHoldOneImage() {
        ConfigException cifar = assertThrows(ConfigException.class, () -> config("""
                data: {source: cifar10, dir: d}
                model: {input: [784], layers: [{type: dense, units: 10}]}
                """));
        assertEquals("model.input: must hold 3072 values (3×32×32 images), got [784]", cifar.getMessage());
        ConfigException mnist = assertThrows(ConfigException.class, () -> config("""
                data: {source: mnist, dir: d}
                model: {input: [3, 32, 32], layers: [{type: flatten}, {type: dense, units: 10}]}
                """));
        assertEquals("model.input: must hold 784 values (28×28 images), got [3, 32, 32]", mnist.getMessage());
    }

    @Test
    void mnistTakesEachFileFromItsOwnPathOrTheFolder() throws IOException {
        byte[] images = new byte[5 * 784];
        for (int i = 0; i < 5; i++) {
            images[i * 784 + 100 + i] = (byte) 255;
        }
        byte[] labels = {3, 1, 4, 1, 5};
        Path folder = dir.resolve("mnist");
        SeedDatasetFiles.writeIdx(folder.resolve("train-images-idx3-ubyte.gz"), new int[] {5, 28, 28}, images);
        SeedDatasetFiles.writeIdx(folder.resolve("t10k-images-idx3-ubyte"), new int[] {5, 28, 28}, images);
        SeedDatasetFiles.writeIdx(folder.resolve("t10k-labels-idx1-ubyte"), new int[] {5}, labels);
        Path ownLabels = SeedDatasetFiles.writeIdx(dir.resolve("elsewhere/my-digits.labels"), new int[] {5}, labels);
        ExperimentConfig c = config("""
                data: {source: mnist, dir: '%s', train_labels: '%s', limit: 4, validation: 0}
                """.formatted(folder, ownLabels) + MLP.formatted(10));
        ExperimentData d = DataFactory.load(c, scope);
        assertEquals(4, d.train().size());
        assertEquals(5, d.testOrNull().size());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), d.classNames());
        assertArrayEquals(new int[] {784}, d.exampleShape());
        assertEquals(List.of(3, 1, 4, 1), labels(d.train()));

        ExperimentConfig missing = config("""
                data: {source: mnist, dir: '%s', validation: 0}
                """.formatted(folder) + MLP.formatted(10));
        java.io.FileNotFoundException e = assertThrows(java.io.FileNotFoundException.class,
                () -> DataFactory.load(missing, scope));
        assertEquals("neither " + folder.resolve("train-labels-idx1-ubyte") + " nor "
                + folder.resolve("train-labels-idx1-ubyte.gz") + " exists", e.getMessage());
    }

    @Test
    void emnistLettersAreUprightZeroBasedAndNamedFromTheMapping() throws IOException {
        byte[][] upright = new byte[4][784];
        for (int i = 0; i < 4; i++) {
            upright[i][2 * 28 + 20 + i] = (byte) 255; // row 2, column 20 + i: off the diagonal
        }
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.LETTERS, true, upright, 28, new int[] {1, 2, 26, 3});
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.LETTERS, false, upright, 28, new int[] {26, 25, 24, 23});
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 26; c++) {
            mapping.append(c + 1).append(' ').append('A' + c).append(' ').append('a' + c).append('\n');
        }
        java.nio.file.Files.writeString(dir.resolve("emnist-letters-mapping.txt"), mapping);
        ExperimentConfig c = config("""
                data: {source: emnist, dir: '%s', split: letters, validation: 0}
                """.formatted(dir) + MLP.formatted(26));
        ExperimentData d = DataFactory.load(c, scope);
        assertEquals(26, d.classes());
        assertEquals("A/a", d.classNames().getFirst());
        assertEquals("Z/z", d.classNames().getLast());
        assertEquals(List.of(0, 1, 25, 2), labels(d.train()));
        assertEquals(List.of(25, 24, 23, 22), labels(d.testOrNull()));
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 784);
        d.train().fill(new int[] {3}, 0, 1, x, Tensor.zeros(DType.INT32, 1));
        float[] pixels = x.toFloatArray();
        for (int p = 0; p < 784; p++) {
            assertEquals(p == 2 * 28 + 23 ? 1f : 0f, pixels[p], "pixel " + p);
        }
    }

    @Test
    void anEmnistModelReadsAPngAsItsTrainingImagesUpright(@TempDir Path runs) throws IOException {
        byte[][] upright = new byte[4][784];
        for (int i = 0; i < 4; i++) {
            upright[i][5 * 28 + 20 + i] = (byte) 255; // row 5, column 20 + i: off the diagonal
        }
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.DIGITS, true, upright, 28, new int[] {0, 1, 2, 3});
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.DIGITS, false, upright, 28, new int[] {0, 1, 2, 3});
        StringBuilder mapping = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            mapping.append(c).append(' ').append('0' + c).append('\n');
        }
        java.nio.file.Files.writeString(dir.resolve("emnist-digits-mapping.txt"), mapping);
        ExperimentConfig c = config("""
                name: digits
                data: {source: emnist, dir: '%s', split: digits, validation: 0}
                model: {layers: [{type: dense, units: 10}]}
                training: {epochs: 1, batch: 4}
                """.formatted(dir));
        ExperimentResult r = ExperimentRunner.run(c, runs, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        TrainedModel model = TrainedModel.load(r.folder().path());
        // In colour, as a user's drawing may be: read as the gray 28×28 images the model was trained on.
        java.awt.image.BufferedImage png = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        png.setRGB(23, 5, 0xFFFFFF); // x 23, y 5: image 3 as seen
        Path file = dir.resolve("three.png");
        javax.imageio.ImageIO.write(png, "png", file.toFile());
        ModelInputs.Unlabelled in = ModelInputs.unlabelled(model, file, null);
        assertArrayEquals(new int[] {784}, in.data().featureShape());
        Tensor fromPng = Tensor.zeros(DType.FLOAT32, 1, 784);
        in.data().fill(new int[] {0}, 0, 1, fromPng, Tensor.zeros(DType.INT32, 1));
        Tensor fromEmnist = Tensor.zeros(DType.FLOAT32, 1, 784);
        DataFactory.load(c, scope).train().fill(new int[] {3}, 0, 1, fromEmnist, Tensor.zeros(DType.INT32, 1));
        assertArrayEquals(fromEmnist.toFloatArray(), fromPng.toFloatArray());
        assertEquals(1f, fromPng.toFloatArray()[5 * 28 + 23]);
    }

    @Test
    void aCifarRunLearnsWhereAndInWhichColourTheSquareIsAndEvaluatesFromTheFolder(@TempDir Path runs)
            throws IOException {
        writeSquares(dir, 160, 40);
        ExperimentConfig c = config("""
                name: squares
                seed: 3
                data:
                  source: cifar10
                  dir: '%s'
                  validation: 0
                  preprocessing: [standardize_channels]
                  augmentation: [{type: random_crop, pad: 4}, {type: hflip}]
                model:
                  layers:
                    - {type: conv2d, filters: 8, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: maxpool2d, kernel: 4}
                    - {type: flatten}
                    - {type: dense, units: 10}
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 10, batch: 16}
                """.formatted(dir));
        ExperimentData d = DataFactory.load(c, scope);
        assertArrayEquals(new int[] {3, 32, 32}, d.exampleShape());
        assertEquals(CIFAR10_NAMES, d.classNames());
        assertEquals(160, d.train().size());
        // One mean per channel, spread over its 1,024 features.
        float[] mean = ((FittedPreprocessing.Standardize) d.preprocessing().steps().getFirst()).standardizer().mean();
        assertEquals(3072, mean.length);
        assertEquals(mean[0], mean[1023]);
        assertEquals(mean[1024], mean[2047]);
        assertTrue(mean[0] != mean[1024]);

        ExperimentResult r = ExperimentRunner.run(c, runs, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertTrue(r.metric("test_accuracy") >= 0.9, "test accuracy " + r.metric("test_accuracy"));
        TrainedModel model = TrainedModel.load(r.folder().path());
        assertEquals(CIFAR10_NAMES, model.card().classNames());
        Dataset again = ModelInputs.labelled(model, dir, null);
        assertEquals(40, again.size());
        assertArrayEquals(new int[] {3, 32, 32}, again.featureShape());
    }

    /**
     * A CIFAR-10 folder of images with a bright 8×8 square: in the top or the bottom half, in the
     * red, green or blue plane. Class = 3 × half + plane, kept by flips and 4-pixel shifts.
     */
    static void writeSquares(Path folder, int train, int test) throws IOException {
        SplittableRandom rng = new SplittableRandom(11);
        int perFile = train / 5;
        for (int f = 0; f < 6; f++) {
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < (f < 5 ? perFile : test); i++) {
                int label = rng.nextInt(6);
                byte[] p = new byte[3072];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) rng.nextInt(40);
                }
                int top = (label >= 3 ? 18 : 2) + rng.nextInt(6);
                int left = rng.nextInt(25);
                for (int y = top; y < top + 8; y++) {
                    for (int x = left; x < left + 8; x++) {
                        p[label % 3 * 1024 + y * 32 + x] = (byte) (200 + rng.nextInt(56));
                    }
                }
                records.add(SeedDatasetFiles.cifarRecord(p, label));
            }
            SeedDatasetFiles.writeRecords(folder.resolve(f < 5 ? "data_batch_" + (f + 1) + ".bin" : "test_batch.bin"),
                    records);
        }
        SeedDatasetFiles.writeLines(folder.resolve("batches.meta.txt"), CIFAR10_NAMES);
    }

    private static List<Integer> labels(Dataset d) {
        int[] all = new int[d.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Tensor x = Tensor.zeros(DType.FLOAT32, d.size(), dev.gatun.tensor.Shape.checkedSize(d.featureShape()) > 0
                ? (int) dev.gatun.tensor.Shape.checkedSize(d.featureShape()) : 1);
        Tensor y = Tensor.zeros(DType.INT32, d.size());
        d.fill(all, 0, all.length, x, y);
        return java.util.Arrays.stream(y.toIntArray()).boxed().toList();
    }

    private static ExperimentConfig config(String yaml) {
        return ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test.yaml"), "test");
    }
}
