package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The memory estimate made from a config before anything is built: exact parameter and buffer
 * counts for every layer kind, and an upper bound of what a real training step holds.
 */
class ModelMemoryTest {
    /** Configs covering every layer kind with parameters, with and without bias, groups, directions, stacks. */
    private static final List<String> NETWORKS = List.of("""
            model: {input: [64], layers: [{type: dense, units: 256}, {type: relu}, {type: dense, units: 256},
                    {type: tanh}, {type: dense, units: 10}]}
            """, """
            model: {input: [3], layers: [{type: dense, units: 7}, {type: relu}, {type: dropout, p: 0.1},
                    {type: dense, units: 5, bias: false}, {type: batchnorm}, {type: dense, units: 2}]}
            """, """
            model: {input: [4, 9, 8], layers: [{type: conv2d, filters: 6, kernel: 3, padding: 1, groups: 2},
                    {type: batchnorm}, {type: maxpool2d, kernel: 2}, {type: conv2d, filters: 4, kernel: [2, 3],
                    bias: false}, {type: avgpool2d, kernel: 1}, {type: flatten}, {type: dense, units: 3}]}
            """, """
            model: {input: [3, 8, 8], layers: [{type: conv2d, filters: 5, kernel: 3, stride: 2}, {type: gelu},
                    {type: globalavgpool2d}, {type: dense, units: 2}]}
            """, """
            model: {input: [6, 5], layers: [{type: lstm, hidden: 7, layers: 2, bidirectional: true},
                    {type: last_state, units: 3}]}
            """, """
            model: {input: [6, 5], layers: [{type: gru, hidden: 4, layers: 3}, {type: rnn, hidden: 3,
                    bidirectional: true}, {type: flatten}, {type: dense, units: 2}]}
            """, """
            model: {input: [2, 7, 6], layers: [{type: conv2d, filters: 4, kernel: 3, padding: 1, name: stem},
                    {type: residual, layers: [{type: conv2d, filters: 4, kernel: 3, padding: 1}, {type: batchnorm},
                    {type: relu}, {type: dropout, p: 0.2}]},
                    {type: residual, name: down, layers: [{type: conv2d, filters: 6, kernel: 3, stride: 2, padding: 1}]},
                    {type: conv2d, filters: 3, kernel: 1, inputs: [stem], name: side},
                    {type: maxpool2d, kernel: 2, stride: 2, padding: [1, 0], name: pooled},
                    {type: concat, inputs: [down, pooled]}, {type: flatten}, {type: dense, units: 2}]}
            """, """
            model: {input: [5], layers: [{type: dense, units: 4, name: a}, {type: dense, units: 4, inputs: [input], name: b},
                    {type: add, inputs: [a, b], name: sum}, {type: residual, name: res, layers: [{type: dense, units: 3}]},
                    {type: concat, inputs: [sum, res]}, {type: dense, units: 2}]}
            """);

    @Test
    void theEstimateCountsExactlyTheParametersAndBuffersTheFactoryBuilds() {
        for (String yaml : NETWORKS) {
            ModelConfig model = model(yaml);
            int[] input = model.inputOrNull();
            ModelMemory m = ModelMemory.of(model, input);
            try (Scope s = Scope.open("build")) {
                Module net = ModelFactory.module(model, input, 1);
                assertEquals(net.parameterCount(), m.parameters(), yaml);
                long state = 0;
                for (Parameter p : net.state()) {
                    state += p.tensor().size();
                }
                assertEquals(state, m.parameters() + m.buffers(), yaml);
                assertEquals(state * ModelMemory.VALUE_BYTES, m.stateBytes(), yaml);
            }
        }
    }

    @Test
    void theTrainingEstimateHoldsWhatOneRealTrainingStepHolds() {
        int batch = 16;
        for (String yaml : NETWORKS) {
            ModelConfig model = model(yaml);
            int[] input = model.inputOrNull();
            ModelMemory m = ModelMemory.of(model, input);
            long before = Scope.liveBytes();
            long held;
            try (Scope s = Scope.open("model")) {
                Module net = ModelFactory.module(model, input, 1);
                OptimizerConfig adam = ExperimentConfig.from(ConfigLoader.parseYaml("""
                        data: {source: synthetic, kind: moons}
                        model: {layers: [{type: dense, units: 2}]}
                        """, "adam.yaml"), "adam").optimizer();
                Optimizer optimizer = OptimizerFactory.create(adam, net.parameters());
                int[] shape = new int[input.length + 1];
                shape[0] = batch;
                System.arraycopy(input, 0, shape, 1, input.length);
                Tensor x = Tensor.normal(new SplittableRandom(2), 0, 1, DType.FLOAT32, shape);
                int[] labels = new int[batch];
                Tensor y = Tensor.of(labels, batch);
                try (Scope step = Scope.open("step")) {
                    Loss.CROSS_ENTROPY.apply(net.forward(x), y).backward();
                    optimizer.step();
                    held = Scope.liveBytes() - before;
                }
            }
            long estimate = m.trainingBytes(batch, 1, 2);
            assertTrue(estimate >= held, "estimate " + estimate + " < " + held + " held by a step of " + yaml);
            if (!yaml.contains("conv2d")) { // the convolutions' kernel scratch dwarfs these small networks
                assertTrue(estimate <= 2 * held, "estimate " + estimate + " > twice the " + held + " held by " + yaml);
            }
            assertTrue(m.inferenceBytes(batch) <= estimate, yaml);
        }
    }

    @Test
    void theEstimateFollowsTheFormulaInBatchesAndOptimizerState() {
        ModelMemory m = ModelMemory.of(model("model: {input: [10], layers: [{type: dense, units: 20}]}"),
                new int[] {10});
        assertEquals(220, m.parameters());
        assertEquals(20, m.activationValues());
        // (S + P + K·P + 2·P) + max(2·B·(I + A) + B·O, E·(I + A)), 4 bytes each.
        assertEquals(4 * (220 + 220 + 2 * 220 + 2 * 220 + (2 * 8 * 30 + 8 * 20)), m.trainingBytes(8, 1, 2));
        assertEquals(4 * (220 * 6 + 1000 * 30), m.trainingBytes(8, 1000, 2));
        assertEquals(4 * (220 + 1000 * 30), m.inferenceBytes(1000));
        assertEquals(4 * 220 * 2, m.trainingBytes(8, 1, 2) - m.trainingBytes(8, 1, 0), "Adam's two moments");
    }

    @Test
    void sizesThatOverflowALongAreMinusOneAndRefusedByAnyBudget() {
        ModelMemory m = ModelMemory.of(model("""
                model: {input: [2147483647], layers: [{type: dense, units: 2147483647}, {type: dense, units: 2147483647},
                        {type: dense, units: 2147483647}]}
                """), new int[] {Integer.MAX_VALUE});
        assertEquals(-1, m.parameters());
        assertEquals(-1, m.trainingBytes(1, 1, 0));
        assertEquals(-1, m.inferenceBytes(1));
    }

    @Test
    void optimizerStateCountsEveryOptimizerARunCreates() {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml("""
                data: {source: synthetic, kind: moons}
                model: {layers: [{type: dense, units: 2}]}
                optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
                training: {epochs: 4}
                switch: [{epoch: 2, optimizer: {type: adam}}, {epoch: 3, optimizer: {type: rmsprop, centered: true}},
                         {epoch: 4, lr: 0.01}]
                """, "switches.yaml"), "switches");
        assertEquals(1 + 2 + 2, ModelMemory.optimizerStates(c));
        assertThrows(ConfigException.class, () -> ModelMemory.of(model("model: {layers: [{type: dense, units: 2}]}"),
                new int[] {3, 4}), "a layer that cannot take its input is named, as outputShapes does");
    }

    private static ModelConfig model(String yaml) {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml("""
                data: {source: csv, path: none.csv, label: y}
                """ + yaml, "test.yaml"), "test");
        return c.model();
    }
}
