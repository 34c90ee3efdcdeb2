package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.DataFactory;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentData;
import dev.gatun.config.TrainedModel;
import dev.gatun.data.Dataset;
import dev.gatun.data.FashionMnist;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Module;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.nn.RecurrentOutput;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The activations a playground run answers against an independent forward pass of the same
 * network (its saved weights loaded into a fresh module), layer by layer, bit for bit.
 */
class ActivationsTest {
    @TempDir
    Path dir;

    /** Two classes of 12×10 gray PNGs: a bright bar across the top half, or across the bottom half. */
    private Path imageFolder() throws IOException {
        Path root = dir.resolve("images");
        SplittableRandom rng = new SplittableRandom(3);
        for (String cls : List.of("bottom", "top")) {
            Files.createDirectories(root.resolve(cls));
            for (int k = 0; k < 8; k++) {
                BufferedImage img = new BufferedImage(10, 12, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 12; y++) {
                    for (int x = 0; x < 10; x++) {
                        boolean bar = cls.equals("top") ? y < 6 : y >= 6;
                        int v = (bar ? 180 : 30) + rng.nextInt(60);
                        img.getRaster().setSample(x, y, 0, v);
                    }
                }
                ImageIO.write(img, "png", root.resolve(cls).resolve(k + ".png").toFile());
            }
        }
        return root;
    }

    private static JsonNode config(String yaml) {
        return ConfigLoader.parseYaml(yaml, "test");
    }

    @Test
    void aCnnsFeatureMapsVectorsAndProbabilitiesAreTheNetworksOwnTensors() throws Exception {
        Path images = imageFolder();
        JsonNode tree = config("""
                name: playground
                seed: 5
                data: {source: images, path: %s, channels: 1, validation: 0.25}
                model:
                  layers:
                    - {type: conv2d, filters: 3, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: maxpool2d, kernel: 2}
                    - {type: flatten}
                    - {type: dense, units: 5}
                    - {type: tanh}
                    - {type: dense, units: 2}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 50, batch: 4}
                """.formatted(images));
        PlaygroundRunTest.Events events = new PlaygroundRunTest.Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir.resolve("runs"), events)) {
            for (int i = 0; i < 3; i++) {
                run.control("step_batch", false);
            }
            Activations answer = run.activations("validation", 2);
            Path folder = Path.of(run.control("save", false).path("folder").asString());
            assertEquals(3, answer.step());
            assertEquals(new Activations.Example("validation", 2, 4, answer.example().label()), answer.example());
            assertEquals(List.of("bottom", "top"), answer.classes());

            try (Scope s = Scope.open("test")) {
                ExperimentConfig c = ConfigLoader.experiment(tree, "playground", "test");
                ExperimentData data = DataFactory.load(c, s);
                Dataset validation = data.validationOrNull();
                Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 12, 10);
                Tensor t = Tensor.zeros(DType.INT32, 1);
                validation.fill(new int[] {2}, 0, 1, x, t);
                assertEquals(t.toIntArray()[0], answer.example().label());
                assertArrayEquals(new int[] {1, 12, 10}, answer.input().shape());
                assertArrayEquals(x.toFloatArray(), answer.input().values());

                // The saved weights in a fresh module, run layer by layer.
                Module net = TrainedModel.load(folder).module();
                net.train(false);
                List<Module> layers = ((Sequential) net).layers();
                assertEquals(7, answer.layers().size());
                Tensor h = x;
                for (int i = 0; i < layers.size(); i++) {
                    h = layers.get(i).forward(h);
                    Activations.Layer l = answer.layers().get(i);
                    assertEquals(i, l.index());
                    assertArrayEquals(h.toFloatArray(), l.full().values(), "layer " + i + " " + l.type());
                }
                assertEquals(List.of("conv2d", "relu", "maxpool2d", "flatten", "dense", "tanh", "dense"),
                        answer.layers().stream().map(Activations.Layer::type).toList());
                assertEquals(List.of("maps", "maps", "maps", "shape", "vector", "vector", "vector"),
                        answer.layers().stream().map(Activations.Layer::kind).toList());
                assertArrayEquals(new int[] {3, 12, 10}, answer.layers().getFirst().sent().shape());
                assertArrayEquals(new int[] {3, 6, 5}, answer.layers().get(2).shape());
                float[] p = h.softmax().toFloatArray();
                assertArrayEquals(p, answer.probabilities());
                assertEquals(1.0, p[0] + p[1], 1e-6);
                assertEquals(p[1] > p[0] ? 1 : 0, answer.predicted());
            }

            ObjectNode json = answer.json("p1");
            assertEquals("validation", json.path("split").asString());
            assertEquals(answer.classes().get(answer.example().label()), json.path("labelName").asString());
            JsonNode conv = json.path("layers").path(0);
            assertEquals("0: conv2d", conv.path("label").asString());
            assertArrayEquals(answer.layers().getFirst().sent().values(), floats(conv.path("values").path("data")));
            assertEquals(answer.predicted(), json.path("predicted").asInt());
            assertEquals(2, json.path("probabilities").size());

            RunSettings.SettingException outside = assertThrows(RunSettings.SettingException.class,
                    () -> run.activations("validation", 4));
            assertEquals("index: 4 is outside the validation split's 4 examples (0 to 3)", outside.getMessage());
            // The image folder's run has a test split (data.test), which is the default.
            assertEquals("test", run.activations(null, 0).example().split());
            assertEquals("split: must be test, validation or train, got 'holdout'",
                    assertThrows(RunSettings.SettingException.class, () -> run.activations("holdout", 0)).getMessage());
        }
    }

    @Test
    void anLstmsHiddenStatesAreItsOutputAndItsGatesFollowTheCellEquations() {
        SplittableRandom rng = new SplittableRandom(11);
        try (Scope s = Scope.open("test")) {
            LSTM lstm = new LSTM(5, 7, 1, false, true, DType.FLOAT32, rng);
            LastStateLinear net = new LastStateLinear(lstm, 3, rng);
            Tensor x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, 1, 9, 5);
            Activations a = Activations.capture(net, List.of("lstm", "last_state"), x,
                    new Activations.Example("test", 0, 1, 2), List.of("a", "b", "c"), 0);
            assertEquals(2, a.layers().size());
            Activations.Layer layer = a.layers().getFirst();
            assertEquals("lstm", layer.kind());
            assertArrayEquals(new int[] {9, 7}, layer.shape());
            Activations.Gates g = layer.gates().getFirst();
            RecurrentOutput real = lstm.forward(x, null, null);
            assertArrayEquals(real.output().contiguous().toFloatArray(), g.hidden().values());
            assertArrayEquals(real.cN().toFloatArray(), java.util.Arrays.copyOfRange(g.state().values(), 8 * 7, 9 * 7));
            float[] c = g.state().values();
            float[] h = g.hidden().values();
            for (int k = 0; k < 9 * 7; k++) {
                float i = g.input().values()[k];
                float f = g.forget().values()[k];
                float cand = g.cell().values()[k];
                float o = g.output().values()[k];
                assertTrue(i > 0 && i < 1 && f > 0 && f < 1 && o > 0 && o < 1 && cand > -1 && cand < 1, "gates at " + k);
                float before = k < 7 ? 0 : c[k - 7];
                assertEquals(f * before + i * cand, c[k], 1e-6, "c at " + k);
                assertEquals(o * Math.tanh(c[k]), h[k], 1e-6, "h at " + k);
            }
            Tensor logits = net.forward(x);
            assertArrayEquals(logits.toFloatArray(), a.output().values());
            assertArrayEquals(logits.toFloatArray(), a.layers().get(1).full().values());
            assertArrayEquals(logits.softmax().toFloatArray(), a.probabilities());
            JsonNode json = a.json("p9");
            JsonNode d = json.path("layers").path(0).path("directions").path(0);
            assertEquals(9, d.path("steps").asInt());
            assertEquals(7, d.path("hidden").asInt());
            for (String key : List.of("h", "c", "i", "f", "g", "o")) {
                assertArrayEquals(new int[] {9, 7}, new int[] {d.path(key).path("shape").path(0).asInt(),
                    d.path(key).path("shape").path(1).asInt()}, key);
            }
            assertArrayEquals(g.forget().values(), floats(d.path("f").path("data")));
            assertEquals("c", json.path("labelName").asString());
        }
    }

    @Test
    void anLstmPlaygroundOnFashionMnistRowsAnswersItsOwnStates() throws Exception {
        assumeTrue(Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz")),
                "Fashion-MNIST is not installed in " + FashionMnist.DEFAULT_DIR);
        JsonNode tree = config("""
                name: playground
                seed: 3
                data: {source: fashion-mnist, limit: 64, validation: 0.25}
                model:
                  input: [28, 28]
                  layers:
                    - {type: lstm, hidden: 6}
                    - {type: last_state, units: 10}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 2, batch: 16}
                """);
        PlaygroundRunTest.Events events = new PlaygroundRunTest.Events();
        try (PlaygroundRun run = PlaygroundRun.start("p1", tree, dir.resolve("runs"), events)) {
            run.control("step_batch", false);
            Activations a = run.activations(null, 123);
            assertEquals("test", a.example().split());
            assertEquals(10_000, a.example().size());
            Path folder = Path.of(run.control("save", false).path("folder").asString());
            try (Scope s = Scope.open("test")) {
                Module net = TrainedModel.load(folder).module();
                Tensor x = Tensor.of(a.input().values(), 1, 28, 28);
                RecurrentLayer encoder = (RecurrentLayer) net.children().getFirst();
                Activations.Gates g = a.layers().getFirst().gates().getFirst();
                assertArrayEquals(encoder.forward(x).toFloatArray(), g.hidden().values());
                assertArrayEquals(net.forward(x).softmax().toFloatArray(), a.probabilities());
            }
            assertEquals(FashionMnist.CLASS_NAMES, a.classes());
        }
    }

    @Test
    void largeMapsAreBlockAveragedAndManyChannelsCut() {
        int c = 70;
        int side = 40;
        float[] v = new float[c * side * side];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 7;
        }
        Activations.Values sent = Activations.maps(new Activations.Values(new int[] {c, side, side}, v));
        assertArrayEquals(new int[] {Activations.MAX_CHANNELS, 20, 20}, sent.shape());
        // Channel 1, cell (3, 4): the mean of the 2×2 block at rows 6-7, columns 8-9.
        int base = side * side;
        double mean = (v[base + 6 * side + 8] + v[base + 6 * side + 9] + v[base + 7 * side + 8] + v[base + 7 * side + 9]) / 4.0;
        assertEquals(mean, sent.values()[400 + 3 * 20 + 4], 1e-6);
        Activations.Values small = Activations.vector(new Activations.Values(new int[] {10}, new float[10]));
        assertEquals(10, small.values().length);
        Activations.Values big = Activations.vector(new Activations.Values(new int[] {5000}, new float[5000]));
        assertTrue(big.values().length <= Activations.MAX_UNITS);
    }

    @Test
    void anExampleThatIsNotABatchOfOneIsRefused() {
        try (Scope s = Scope.open("test")) {
            LSTM lstm = new LSTM(2, 2, new SplittableRandom(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activations.capture(lstm,
                    List.of("lstm"), Tensor.zeros(DType.FLOAT32, 2, 3, 2), new Activations.Example("test", 0, 1, 0),
                    List.of(), 0));
            assertTrue(e.getMessage().startsWith("activations: the example must be a batch of one"), e.getMessage());
        }
    }

    private static float[] floats(JsonNode base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64.asString())).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
