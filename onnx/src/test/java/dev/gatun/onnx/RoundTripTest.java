package dev.gatun.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.TrainedModel;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.onnx.proto.Onnx.NodeProto;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Gatun → ONNX → Gatun: every layer type and the Fashion-MNIST models exported, imported as a run
 * folder and loaded again give the same outputs, and export again to the same graph; files outside
 * the supported set are refused by op and node, with nothing written.
 */
class RoundTripTest {
    private static final JsonNode BLOBS = ConfigLoader.parseYaml("{source: synthetic, kind: blobs, centers: 3}", "test");

    @TempDir
    Path dir;

    static List<ExportedLayersTest.Net> networks() {
        return ExportedLayersTest.networks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void eachLayerTypeRoundTrips(ExportedLayersTest.Net net) throws Exception {
        var config = ExportedLayersTest.model(net.yaml());
        int[] input = config.inputOrNull();
        try (Scope scope = Scope.open(net.name())) {
            var network = dev.gatun.config.ModelFactory.module(config, input, 3);
            ExportedLayersTest.randomize(network, 3);
            network.train(false);
            ModelProto onnx = OnnxExporter.export(config, input, network,
                    dev.gatun.config.FittedPreprocessing.none(), List.of("a", "b", "c"));
            Path file = dir.resolve(net.name() + ".onnx");
            Files.write(file, onnx.toByteArray());
            Path run = dir.resolve(net.name());
            OnnxImporter.write(OnnxImporter.read(file, "t", BLOBS), run);
            TrainedModel back = TrainedModel.load(run);
            float[] x = ExportedLayersTest.random(9, 3 * size(input));
            int[] shape = batch(3, input);
            assertArrayEquals(network.forward(Tensor.of(x, shape)).contiguous().toFloatArray(),
                    back.module().forward(Tensor.of(x, shape)).contiguous().toFloatArray(), net.name());
            assertEquals(List.of("a", "b", "c"), back.card().classNames());
            if (!net.graph()) {
                assertEquals(onnx, OnnxExporter.export(back), net.name() + ": export again");
            } else {
                // A residual block comes back as its layers and an add: the same function, another graph.
                OnnxRuntimeRunner.assertClose(net.name() + ": export again", OnnxRuntimeRunner.run(onnx, x, longs(shape)),
                        OnnxRuntimeRunner.run(OnnxExporter.export(back), x, longs(shape)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fashion-mlp", "fashion-cnn", "fashion-lstm"})
    void fashionModelsRoundTripWithTheirPreprocessing(String name) throws Exception {
        try (Scope scope = Scope.open(name)) {
            TrainedModel model = TrainedModel.load(ExportedFashionModelsTest.pretrained(name));
            Path file = dir.resolve(name + ".onnx");
            OnnxExporter.write(model, file);
            Path run = dir.resolve(name);
            OnnxImporter.write(OnnxImporter.read(file, name, null), run);
            TrainedModel back = TrainedModel.load(run);
            int[] input = model.card().input();
            float[] pixels = ExportedLayersTest.random(5, 8 * 784);
            float[] a = model.card().preprocessing().featureTransform().apply(pixels);
            float[] b = back.card().preprocessing().featureTransform().apply(pixels);
            float[] out = model.module().forward(Tensor.of(a, batch(8, input))).contiguous().toFloatArray();
            float[] outBack = back.module().forward(Tensor.of(b, batch(8, input))).contiguous().toFloatArray();
            // An imported standardization stores std = 1/scale, whose reciprocal may differ by one ulp.
            OnnxRuntimeRunner.assertClose(name, out, outBack);
            assertEquals(model.card().classNames(), back.card().classNames());
            assertEquals(model.config().data().preprocessing(), back.config().data().preprocessing(), name);
        }
    }

    @Test
    void aModelExportedByPyTorchImportsAndGivesPyTorchsOutput() throws Exception {
        Path made = Path.of("src", "test", "resources", "dev", "gatun", "onnx", "pytorch");
        JsonNode expected = ConfigLoader.read(made.resolve("small_cnn.json"));
        Path run = dir.resolve("pytorch-cnn");
        OnnxImporter.write(OnnxImporter.read(made.resolve("small_cnn.onnx"), "pytorch-cnn", null), run);
        try (Scope scope = Scope.open("pytorch")) {
            TrainedModel model = TrainedModel.load(run);
            assertArrayEquals(new int[] {1, 28, 28}, model.card().input());
            float[] x = floats(expected.get("input"));
            float[] out = model.module().forward(Tensor.of(x, 2, 1, 28, 28)).contiguous().toFloatArray();
            OnnxRuntimeRunner.assertClose("PyTorch's small CNN", floats(expected.get("output")), out);
            // exported again, onnxruntime agrees too
            OnnxRuntimeRunner.assertClose("re-exported", out, OnnxRuntimeRunner.run(OnnxExporter.export(model), x,
                    2, 1, 28, 28));
        }
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).doubleValue();
        }
        return v;
    }

    @Test
    void anUnsupportedOpIsRefusedByTypeAndNodeWithNothingWritten() throws Exception {
        ModelProto onnx = exportedDense();
        ModelProto.Builder b = onnx.toBuilder();
        NodeProto relu = b.getGraph().getNode(1);
        b.getGraphBuilder().setNode(1, relu.toBuilder().setOpType("HardSwish").setName("my_act"));
        Path file = dir.resolve("bad.onnx");
        Files.write(file, b.build().toByteArray());
        Path run = dir.resolve("never");
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(file, "t", BLOBS));
        assertTrue(e.getMessage().startsWith(file + ": node 'my_act' ('HardSwish'): op is not supported (supported:"),
                e.getMessage());
        assertFalse(Files.exists(run));
    }

    @Test
    void aLayerReadingAValueNoLayerMadeIsRefusedByNode() throws Exception {
        ModelProto.Builder b = exportedDense().toBuilder();
        NodeProto relu = b.getGraph().getNode(1);
        b.getGraphBuilder().setNode(1, relu.toBuilder().setInput(0, "nowhere"));
        Path file = dir.resolve("dangling.onnx");
        Files.write(file, b.build().toByteArray());
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(file, "t", BLOBS));
        assertTrue(e.getMessage().startsWith(file + ": node 'node:layers[1].relu' ('Relu'): reads 'nowhere', which is"
                + " neither the model's input nor a layer's output"), e.getMessage());
    }

    @Test
    void aMalformedFileGetsOneLineNamingIt() throws IOException {
        Path file = dir.resolve("garbage.onnx");
        Files.write(file, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2});
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(file, "t", BLOBS));
        assertTrue(e.getMessage().startsWith(file + ": not an ONNX model (malformed protobuf"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aTensorLargerThanItsBytesIsRefusedBeforeAllocation() throws Exception {
        ModelProto.Builder b = exportedDense().toBuilder();
        var w = b.getGraph().getInitializer(0);
        b.getGraphBuilder().setInitializer(0, w.toBuilder().setDims(0, 1L << 40));
        Path file = dir.resolve("huge.onnx");
        Files.write(file, b.build().toByteArray());
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(file, "t", BLOBS));
        assertTrue(e.getMessage().contains("more than 2^31 values") || e.getMessage().contains("has dimension"),
                e.getMessage());
    }

    @Test
    void anExistingFolderIsNotOverwritten() throws Exception {
        Path file = dir.resolve("dense.onnx");
        Files.write(file, exportedDense().toByteArray());
        Path run = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(run.resolve("notes.txt"), "mine");
        IOException e = assertThrows(IOException.class, () -> OnnxImporter.write(OnnxImporter.read(file, "t", BLOBS), run));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("mine", Files.readString(run.resolve("notes.txt")));
    }

    static ModelProto exportedDense() {
        var config = ExportedLayersTest.model("{input: [4], layers: [{type: dense, units: 5}, {type: relu},"
                + " {type: dense, units: 3}]}");
        try (Scope scope = Scope.open("dense")) {
            var network = dev.gatun.config.ModelFactory.module(config, config.inputOrNull(), 1);
            return OnnxExporter.export(config, config.inputOrNull(), network, dev.gatun.config.FittedPreprocessing.none(),
                    List.of("a", "b", "c"));
        }
    }

    private static long[] longs(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return l;
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    static int[] batch(int n, int[] example) {
        int[] s = new int[example.length + 1];
        s[0] = n;
        System.arraycopy(example, 0, s, 1, example.length);
        return s;
    }
}
