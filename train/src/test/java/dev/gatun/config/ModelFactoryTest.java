package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.models.FashionModels;
import dev.gatun.models.LastStateLinear;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.ops.Activations;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Regularization;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Networks built from configs: shapes through every layer kind, and the samples' networks bit for bit. */
class ModelFactoryTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void theMlpConfigBuildsFashionModelsMlpBitForBit() throws IOException {
        assertSameNetwork(FashionModels.mlp(new SplittableRandom(42)), build("fashion-mlp.yaml"));
    }

    @Test
    void theCnnConfigBuildsFashionModelsCnnBitForBit() throws IOException {
        assertSameNetwork(FashionModels.cnn(new SplittableRandom(42)), build("fashion-cnn.yaml"));
    }

    @Test
    void theLstmConfigBuildsFashionModelsLstmBitForBit() throws IOException {
        Module fromConfig = build("fashion-lstm.yaml");
        assertInstanceOf(LastStateLinear.class, fromConfig);
        assertSameNetwork(FashionModels.lstm(new SplittableRandom(42)), fromConfig);
    }

    @Test
    void theMlpConfigComputesWhatFashionModelsMlpComputes() throws IOException {
        Module hand = FashionModels.mlp(new SplittableRandom(42));
        Module config = build("fashion-mlp.yaml");
        Tensor x = Tensor.uniform(new SplittableRandom(1), 0, 1, DType.FLOAT32, 3, 784);
        assertArrayEquals(hand.forward(x).toFloatArray(), config.forward(x).toFloatArray());
    }

    @Test
    void shapesFollowConvolutionPoolingAndFlatten() {
        ModelConfig model = model("""
                input: [3, 32, 32]
                layers:
                  - {type: conv2d, filters: 8, kernel: 3, padding: 1}
                  - {type: maxpool2d, kernel: 2}
                  - {type: conv2d, filters: 16, kernel: 3, stride: 2}
                  - {type: batchnorm}
                  - {type: avgpool2d, kernel: 3, stride: 2, padding: 1}
                  - {type: flatten}
                  - {type: dense, units: 10}
                """);
        List<int[]> shapes = ModelFactory.outputShapes(model, model.inputOrNull());
        assertArrayEquals(new int[] {8, 32, 32}, shapes.get(0));
        assertArrayEquals(new int[] {8, 16, 16}, shapes.get(1));
        assertArrayEquals(new int[] {16, 7, 7}, shapes.get(2)); // (16 − 3) / 2 + 1
        assertArrayEquals(new int[] {16, 7, 7}, shapes.get(3));
        assertArrayEquals(new int[] {16, 4, 4}, shapes.get(4)); // (7 + 2 − 3) / 2 + 1
        assertArrayEquals(new int[] {256}, shapes.get(5));
        assertArrayEquals(new int[] {10}, shapes.get(6));
        assertOutputIs(model, new int[] {2, 10});
    }

    @Test
    void shapesFollowRecurrentLayersAndTheLastStateHead() {
        ModelConfig model = model("""
                input: [6, 4]
                layers:
                  - {type: gru, hidden: 5, bidirectional: true}
                  - {type: tanh}
                  - {type: lstm, hidden: 3, layers: 2}
                  - {type: last_state, units: 7}
                """);
        List<int[]> shapes = ModelFactory.outputShapes(model, model.inputOrNull());
        assertArrayEquals(new int[] {6, 10}, shapes.get(0));
        assertArrayEquals(new int[] {6, 10}, shapes.get(1));
        assertArrayEquals(new int[] {6, 3}, shapes.get(2));
        assertArrayEquals(new int[] {7}, shapes.get(3));
        assertOutputIs(model, new int[] {2, 7});
    }

    @Test
    void globalAveragePoolingLeavesTheChannels() {
        ModelConfig model = model("""
                input: [2, 5, 5]
                layers:
                  - {type: conv2d, filters: 4, kernel: 3, groups: 2}
                  - {type: globalavgpool2d}
                  - {type: dense, units: 3}
                """);
        assertArrayEquals(new int[] {4}, ModelFactory.outputShapes(model, model.inputOrNull()).get(1));
        assertOutputIs(model, new int[] {2, 3});
    }

    @Test
    void errorsNameTheLayerThatCannotTakeItsInput() {
        ModelConfig dense = model("""
                layers:
                  - {type: conv2d, filters: 8, kernel: 3}
                  - {type: dense, units: 10}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ModelFactory.outputShapes(dense, new int[] {1, 8, 8}));
        assertEquals("model.layers[1]: dense needs one example as a flat [features], got [8, 6, 6]; put a flatten "
                + "layer before it", e.getMessage());

        ModelConfig pool = model("""
                layers:
                  - {type: maxpool2d, kernel: 5}
                """);
        e = assertThrows(ConfigException.class, () -> ModelFactory.outputShapes(pool, new int[] {1, 4, 4}));
        assertEquals("model.layers[0]: pool2d: kernel 5x5 is larger than the padded input 4x4 (input [1, 4, 4])",
                e.getMessage());

        ModelConfig lstm = model("""
                layers:
                  - {type: lstm, hidden: 4}
                """);
        e = assertThrows(ConfigException.class, () -> ModelFactory.outputShapes(lstm, new int[] {784}));
        assertEquals("model.layers[0]: lstm needs one example as a sequence [steps, features], got [784]", e.getMessage());
    }

    @Test
    void anInitializerReplacesTheDefaultWeights() {
        ModelConfig xavier = model("layers: [{type: dense, units: 50, init: xavier_uniform}]");
        ModelConfig plain = model("layers: [{type: dense, units: 50}]");
        float[] w = ModelFactory.module(xavier, new int[] {30}, 5).parameters().getFirst().tensor().toFloatArray();
        float[] d = ModelFactory.module(plain, new int[] {30}, 5).parameters().getFirst().tensor().toFloatArray();
        double bound = Math.sqrt(6.0 / (30 + 50));
        double defaultBound = 1 / Math.sqrt(30); // Kaiming-uniform with a = √5
        float max = 0;
        float defaultMax = 0;
        for (int i = 0; i < w.length; i++) {
            max = Math.max(max, Math.abs(w[i]));
            defaultMax = Math.max(defaultMax, Math.abs(d[i]));
        }
        assertTrue(max <= bound && max > 0.9 * bound, "xavier max |w| " + max + " vs bound " + bound);
        assertTrue(defaultMax <= defaultBound && defaultMax > 0.9 * defaultBound, "default max |w| " + defaultMax);
    }

    @Test
    void dropoutDoesNotMoveTheWeights() {
        ModelConfig with = model("layers: [{type: dense, units: 8}, {type: dropout, p: 0.5}, {type: dense, units: 2}]");
        ModelConfig without = model("layers: [{type: dense, units: 8}, {type: dense, units: 2}]");
        List<Parameter> a = ModelFactory.module(with, new int[] {3}, 9).parameters();
        List<Parameter> b = ModelFactory.module(without, new int[] {3}, 9).parameters();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), a.stream().map(Parameter::name).toList());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(b.get(i).tensor().toFloatArray(), a.get(i).tensor().toFloatArray());
        }
    }

    @Test
    void layerPenaltiesOverrideTheRegularizationSection() {
        ModelConfig model = model("""
                layers:
                  - {type: dense, units: 4, l1: 0.5}
                  - {type: relu}
                  - {type: dense, units: 2, l2: 0}
                """);
        List<Regularization> r = ModelFactory.build(model, new int[] {3}, 1, new Penalty(0, 0.25)).regularization();
        // Layer 0: its own l1 and the section's l2; layer 2: l2 switched off, the section's l1 is 0.
        assertEquals(2, r.size());
        assertEquals(Regularization.Kind.L1, r.get(0).kind());
        assertEquals(0.5, r.get(0).lambda());
        assertEquals(Regularization.Kind.L2, r.get(1).kind());
        assertEquals(0.25, r.get(1).lambda());
        assertEquals(List.of("weight", "bias"), r.get(0).parameters().stream().map(Parameter::name).toList());
        assertFalse(r.stream().anyMatch(x -> x.parameters().size() != 2));
    }

    private static void assertOutputIs(ModelConfig model, int[] expected) {
        Module net = ModelFactory.module(model, model.inputOrNull(), 3);
        int[] shape = new int[model.inputOrNull().length + 1];
        shape[0] = 2;
        System.arraycopy(model.inputOrNull(), 0, shape, 1, model.inputOrNull().length);
        assertArrayEquals(expected, net.forward(Tensor.uniform(new SplittableRandom(2), -1, 1, DType.FLOAT32, shape)).shape());
    }

    private static void assertSameNetwork(Module expected, Module actual) {
        List<Parameter> e = expected.state();
        List<Parameter> a = actual.state();
        assertEquals(e.stream().map(Parameter::name).toList(), a.stream().map(Parameter::name).toList());
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(e.get(i).tensor().shape(), a.get(i).tensor().shape(), e.get(i).name());
            float[] x = e.get(i).tensor().toFloatArray();
            float[] y = a.get(i).tensor().toFloatArray();
            for (int j = 0; j < x.length; j++) {
                if (Float.floatToRawIntBits(x[j]) != Float.floatToRawIntBits(y[j])) {
                    throw new AssertionError(e.get(i).name() + "[" + j + "]: " + x[j] + " != " + y[j]);
                }
            }
        }
    }

    private static Module build(String file) throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve(file)).getFirst();
        return ModelFactory.module(c.model(), c.exampleShapeOrNull(), c.seed());
    }

    @Test
    void everyActivationTypeBuildsItsLayerWithItsOptionsAndParameters() {
        ModelConfig model = model("""
                input: [6]
                layers:
                  - {type: relu}
                  - {type: gelu}
                  - {type: gelu, approximate: tanh}
                  - {type: leaky_relu, slope: 0.2}
                  - {type: elu, alpha: 0.5}
                  - {type: silu}
                  - {type: swish}
                  - {type: softplus}
                  - {type: softmax}
                """);
        Module net = ModelFactory.module(model, model.inputOrNull(), 1);
        assertTrue(net.parameters().isEmpty());
        List<UnaryFn> expected = List.of(UnaryFn.of(UnaryOp.RELU), UnaryFn.of(UnaryOp.GELU),
                UnaryFn.of(UnaryOp.GELU_TANH), UnaryFn.of(UnaryOp.LEAKY_RELU, 0.2), UnaryFn.of(UnaryOp.ELU, 0.5),
                UnaryFn.of(UnaryOp.SILU), UnaryFn.of(UnaryOp.SILU), UnaryFn.of(UnaryOp.SOFTPLUS));
        Tensor x = Tensor.uniform(new SplittableRandom(2), -3, 3, DType.FLOAT64, 4, 6);
        Tensor byHand = x;
        for (UnaryFn f : expected) {
            byHand = Activations.unary(f, byHand);
        }
        byHand = byHand.softmax();
        assertArrayEquals(byHand.toDoubleArray(), net.forward(x).toDoubleArray(), 0.0);
        assertEquals(new LayerConfig.Activation("leaky_relu", null, 0.2), model.layers().get(3));
        assertEquals(new LayerConfig.Activation("gelu", "none", 0), model.layers().get(1));
        assertEquals(new LayerConfig.Activation("gelu"), model.layers().get(1));
        assertEquals(new LayerConfig.Activation("elu"), new LayerConfig.Activation("elu", null, 1.0));
    }

    private static ModelConfig model(String yaml) {
        return ModelConfig.from(ConfigNode.root(ConfigLoader.parseYaml(yaml, "model"), "model"));
    }

}
