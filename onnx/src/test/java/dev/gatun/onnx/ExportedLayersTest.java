package dev.gatun.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.FittedPreprocessing;
import dev.gatun.config.ModelConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.data.MinMaxScaler;
import dev.gatun.data.Standardizer;
import dev.gatun.nn.ActivationTypes;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every layer type exported and run in onnxruntime gives Gatun's output on random inputs, with
 * random weights and batch-norm statistics (so a transposed or reordered tensor shows).
 */
class ExportedLayersTest {
    private static final int BATCH = 3;

    /** A network from a config's model section (YAML), with its input shape. */
    record Net(String name, String yaml) {
        /** {@return whether the layers read named inputs or hold residual blocks (not a chain)} */
        boolean graph() {
            return yaml.contains("inputs:") || yaml.contains("residual");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Net> networks() {
        List<Net> nets = new ArrayList<>();
        nets.add(new Net("dense", "{input: [6], layers: [{type: dense, units: 5}, {type: relu},"
                + " {type: dense, units: 4, bias: false}, {type: softmax}, {type: dense, units: 3}]}"));
        nets.add(new Net("conv2d", "{input: [4, 9, 11], layers: [{type: conv2d, filters: 6, kernel: [3, 2],"
                + " stride: [2, 1], padding: [1, 1], dilation: [2, 1], groups: 2}, {type: batchnorm},"
                + " {type: leaky_relu, slope: 0.2}, {type: maxpool2d, kernel: 3, stride: 2, padding: 1},"
                + " {type: conv2d, filters: 4, kernel: 1, bias: false}, {type: avgpool2d, kernel: 2, stride: 1, padding: 1},"
                + " {type: elu, alpha: 0.7}, {type: flatten}, {type: dropout, p: 0.3}, {type: dense, units: 3}]}"));
        nets.add(new Net("global-pool", "{input: [3, 5, 4], layers: [{type: conv2d, filters: 5, kernel: 3, padding: 1},"
                + " {type: maxpool2d, kernel: 2}, {type: globalavgpool2d}, {type: batchnorm}, {type: dense, units: 3}]}"));
        for (String cell : List.of("rnn", "lstm", "gru")) {
            for (boolean bidirectional : new boolean[] {false, true}) {
                for (int layers : new int[] {1, 2}) {
                    String r = "{type: " + cell + ", hidden: 5, layers: " + layers + ", bidirectional: " + bidirectional + "}";
                    String tag = cell + (bidirectional ? "-bidirectional" : "") + "-" + layers + "-layers";
                    nets.add(new Net(tag + "-last-state", "{input: [7, 4], layers: [" + r + ", {type: last_state, units: 3}]}"));
                    nets.add(new Net(tag + "-sequence", "{input: [6, 3], layers: [" + r + ", {type: flatten},"
                            + " {type: dense, units: 3}]}"));
                }
            }
        }
        nets.add(new Net("residual-conv", "{input: [3, 8, 8], layers: [{type: conv2d, filters: 4, kernel: 3, padding: 1,"
                + " bias: false}, {type: batchnorm}, {type: relu}, {type: residual, layers: [{type: conv2d, filters: 4,"
                + " kernel: 3, padding: 1}, {type: batchnorm}, {type: relu}, {type: conv2d, filters: 4, kernel: 3,"
                + " padding: 1}]}, {type: relu}, {type: residual, layers: [{type: conv2d, filters: 6, kernel: 3,"
                + " stride: 2, padding: 1, bias: false}, {type: batchnorm}]}, {type: globalavgpool2d},"
                + " {type: dense, units: 3}]}"));
        nets.add(new Net("residual-dense", "{input: [5], layers: [{type: residual, layers: [{type: dense, units: 7},"
                + " {type: tanh}]}, {type: residual, layers: [{type: dense, units: 7}]}, {type: dense, units: 3}]}"));
        nets.add(new Net("named-inputs-add-concat", "{input: [6], layers: [{type: dense, units: 4, name: a},"
                + " {type: relu, name: r}, {type: dense, units: 4, inputs: [input], name: b},"
                + " {type: add, inputs: [r, b, a], name: s}, {type: concat, inputs: [s, a, input]},"
                + " {type: dense, units: 3}]}"));
        nets.add(new Net("channel-concat", "{input: [2, 5, 5], layers: [{type: conv2d, filters: 3, kernel: 3,"
                + " padding: 1, name: c1}, {type: conv2d, filters: 2, kernel: 1, inputs: [input], name: c2},"
                + " {type: concat, inputs: [c1, c2]}, {type: flatten}, {type: dense, units: 3}]}"));
        for (String type : ActivationTypes.names()) {
            ActivationTypes.Type t = ActivationTypes.type(type);
            if (!t.name().equals(type)) {
                continue; // an alias
            }
            List<String> options = t.optionKey() == null ? java.util.Collections.singletonList(null) : t.optionValues();
            for (String option : options) {
                String layer = "{type: " + type + (option == null ? "" : ", " + t.optionKey() + ": " + option) + "}";
                nets.add(new Net("activation-" + type + (option == null ? "" : "-" + option),
                        "{input: [5], layers: [{type: dense, units: 7}, " + layer + ", {type: dense, units: 3}]}"));
            }
        }
        return nets;
    }

    static ModelConfig model(String yaml) {
        String config = "{name: t, data: {source: synthetic, kind: blobs, centers: 3}, model: " + yaml + "}";
        ExperimentConfig c = ConfigLoader.experiment(ConfigLoader.parseYaml(config, "test"), "t", "test");
        return c.model();
    }

    /** Every tensor of the network (parameters and buffers) drawn at random; variances positive. */
    static void randomize(Module network, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : network.state()) {
            Tensor t = p.tensor();
            boolean variance = p.name().endsWith("running_var");
            float[] v = new float[Math.toIntExact(t.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (variance ? rng.nextDouble(0.2, 2) : rng.nextDouble(-0.8, 0.8));
            }
            t.copyFrom(Tensor.of(v, t.shape()));
        }
    }

    static float[] random(long seed, int count) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[count];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-2, 2);
        }
        return x;
    }

    /** Gatun's output and onnxruntime's for the same random batch. */
    static void compare(String what, ModelConfig config, FittedPreprocessing preprocessing, List<String> classes,
                        long seed) throws Exception {
        int[] input = config.inputOrNull();
        try (Scope scope = Scope.open(what)) {
            Module network = ModelFactory.module(config, input, seed);
            randomize(network, seed);
            network.train(false);
            int features = 1;
            long[] shape = new long[input.length + 1];
            shape[0] = BATCH;
            int[] batchShape = new int[input.length + 1];
            batchShape[0] = BATCH;
            for (int i = 0; i < input.length; i++) {
                features *= input[i];
                shape[i + 1] = input[i];
                batchShape[i + 1] = input[i];
            }
            float[] raw = random(seed + 1, BATCH * features);
            float[] expected = network.forward(Tensor.of(preprocessing.featureTransform().apply(raw), batchShape))
                    .contiguous().toFloatArray();
            ModelProto onnx = OnnxExporter.export(config, input, network, preprocessing, classes);
            OnnxRuntimeRunner.assertClose(what, expected, OnnxRuntimeRunner.run(onnx, raw, shape));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void eachLayerTypeGivesGatunsOutputInOnnxRuntime(Net net) throws Exception {
        compare(net.name(), model(net.yaml()), FittedPreprocessing.none(), List.of(), 17);
    }

    @Test
    void savedPreprocessingIsFoldedInAsLeadingOps() throws Exception {
        ModelConfig config = model("{input: [2, 3], layers: [{type: flatten}, {type: dense, units: 3}]}");
        float[] mean = random(3, 6);
        float[] std = {0.5f, 2f, 0f, 1.5f, 3f, 0.25f};
        float[] min = random(4, 6);
        float[] max = min.clone();
        for (int i = 0; i < max.length; i++) {
            max[i] += i == 1 ? 0 : 1 + i;
        }
        FittedPreprocessing steps = new FittedPreprocessing(List.of(
                new FittedPreprocessing.Standardize(Standardizer.of(mean, std)),
                new FittedPreprocessing.MinMax(MinMaxScaler.of(min, max)), new FittedPreprocessing.OneHotTargets()));
        compare("preprocessing", config, steps, List.of("a", "b", "c"), 5);
    }

    @Test
    void aLayerWithoutAnEmitterIsRefusedByName() {
        ModelConfig config = model("{input: [3], layers: [{type: dense, units: 3}]}");
        try (Scope scope = Scope.open("refusal")) {
            Module network = ModelFactory.module(config, config.inputOrNull(), 1);
            Tensor w = network.state().getFirst().tensor();
            // A float64 copy of the network's weight stands for a layer the export cannot write.
            UnsupportedLayerException e = assertThrows(UnsupportedLayerException.class, () -> new LayerInput(
                    "layers[0].dense", "input", new int[] {3}, java.util.Map.of("weight",
                            w.to(dev.gatun.tensor.DType.FLOAT64))).floats("weight"));
            assertTrue(e.getMessage().startsWith("layers[0].dense: cannot be exported to ONNX: its weight is FLOAT64"),
                    e.getMessage());
        }
    }
}
