package dev.gatun.studio.play;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.PreparedExperiment;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The step-by-step walk of one batch: its forward values, gradients and update are the runtime's
 * own, bit for bit, and in a playground run it counts as exactly one trained batch.
 */
class BackpropWalkTest {
    private static final List<String> TYPES = List.of("dense", "tanh", "dropout", "dense", "relu", "dense");

    @TempDir
    Path dir;

    /** Batch 8, so that the walk shows whole tensors; dropout and an L2 penalty, so that both are exercised. */
    private static ExperimentConfig config() {
        return ConfigLoader.experiment(ConfigLoader.parseYaml("""
                name: walk
                seed: 11
                data: {source: synthetic, kind: spirals, n: 200, noise: 0.05, validation: 0.2}
                model:
                  layers:
                    - {type: dense, units: 8}
                    - {type: tanh}
                    - {type: dropout, p: 0.25}
                    - {type: dense, units: 6}
                    - {type: relu}
                    - {type: dense, units: 2}
                regularization: {l2: 0.001}
                loss: cross_entropy
                optimizer: {type: adam, lr: 0.03}
                training: {epochs: 2, batch: 8}
                """, "test"), "walk", "test");
    }

    private static DataLoader.Batch firstBatch(PreparedExperiment p) {
        DataLoader train = p.train();
        return train.batchAt(1, train.order(1), 0);
    }

    @Test
    void theWalksValuesGradientsAndUpdateAreAPlainForwardAndBackwardsBitForBit() throws Exception {
        try (Scope walked = Scope.open("walked"); Scope plain = Scope.open("plain")) {
            // Layers 0, 3 and 5 are dense; their weights are parameters 0, 2 and 4.
            PreparedExperiment a = PreparedExperiment.prepare(config(), null, "test", walked);
            PreparedExperiment b = PreparedExperiment.prepare(config(), null, "test", plain);
            BackpropWalk walk = BackpropWalk.take(a.module(), TYPES, a.optimizer(), a.loss(), firstBatch(a));

            // The same batch, independently: the whole graph at once, one backward from the loss.
            Module net = b.module();
            net.train(true);
            DataLoader.Batch batch = firstBatch(b);
            List<Tensor> outputs = new ArrayList<>();
            Tensor x = batch.features();
            for (Module layer : net.children()) {
                x = layer.forward(x);
                outputs.add(x);
            }
            Tensor l = b.loss().apply(x, batch.labels());
            b.optimizer().zeroGrad();
            l.backward();
            List<float[]> grads = new ArrayList<>();
            List<float[]> before = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                grads.add(p.grad().toFloatArray());
                before.add(p.tensor().toFloatArray());
            }
            b.optimizer().step();

            assertEquals(Double.doubleToLongBits(l.item()), Double.doubleToLongBits(walk.loss()));
            assertEquals(6, walk.layers().size());
            int param = 0;
            for (int i = 0; i < 6; i++) {
                BackpropWalk.Layer layer = walk.layers().get(i);
                float[] expected = outputs.get(i).toFloatArray();
                assertEquals(8, layer.output().rows(), "layer " + i);
                assertArrayEquals(expected, layer.output().values(), "forward of layer " + i);
                assertNotNull(layer.outputGrad(), "layer " + i + " has an output gradient");
                for (BackpropWalk.Param p : layer.params()) {
                    float[] now = net.parameters().get(param).tensor().toFloatArray();
                    float[] update = new float[now.length];
                    for (int k = 0; k < now.length; k++) {
                        update[k] = now[k] - before.get(param)[k];
                    }
                    assertArrayEquals(grads.get(param), p.grad().values(), "gradient of " + i + "." + p.name());
                    assertArrayEquals(update, p.update().values(), "update of " + i + "." + p.name());
                    param++;
                }
            }
            assertEquals(net.parameters().size(), param);
            for (int k = 0; k < param; k++) {
                assertArrayEquals(net.parameters().get(k).tensor().toFloatArray(),
                        a.module().parameters().get(k).tensor().toFloatArray(), "weights after the step, " + k);
            }

            // The output gradients are the ones the layers used: dL/dlogits of a mean cross-entropy, and
            // each dense weight's gradient is (its output gradient)ᵀ · (its input), plus the L2 term.
            BackpropWalk.Layer last = walk.layers().getLast();
            float[] logits = last.output().values();
            float[] labels = walk.labels();
            for (int s = 0; s < 8; s++) {
                double max = Math.max(logits[2 * s], logits[2 * s + 1]);
                double e0 = Math.exp(logits[2 * s] - max);
                double e1 = Math.exp(logits[2 * s + 1] - max);
                for (int c = 0; c < 2; c++) {
                    double p = (c == 0 ? e0 : e1) / (e0 + e1);
                    double want = (p - (labels[s] == c ? 1 : 0)) / 8;
                    assertEquals(want, last.outputGrad().values()[2 * s + c], 1e-6, "dL/dlogit " + s + "," + c);
                }
            }
            int[][] dense = {{0, 0}, {3, 2}, {5, 4}};
            for (int[] d : dense) {
                int i = d[0];
                float[] old = before.get(d[1]);
                BackpropWalk.Layer layer = walk.layers().get(i);
                float[] g = layer.outputGrad().values();
                float[] in = layer.input().values();
                int outs = layer.outputGrad().cols();
                int ins = layer.input().cols();
                float[] w = walk.layers().get(i).params().getFirst().grad().values();
                for (int r = 0; r < outs; r++) {
                    for (int c = 0; c < ins; c++) {
                        double sum = 0;
                        for (int s = 0; s < 8; s++) {
                            sum += (double) g[s * outs + r] * in[s * ins + c];
                        }
                        sum += 2 * 0.001 * old[r * ins + c];
                        assertEquals(sum, w[r * ins + c], 1e-5 * Math.abs(sum) + 1e-7,
                                "layer " + i + " weight gradient " + r + "," + c);
                    }
                }
            }
            // The neurons highlighted are those of largest mean |gradient|.
            BackpropWalk.Layer first = walk.layers().getFirst();
            double[] mean = new double[8];
            for (int s = 0; s < 8; s++) {
                for (int u = 0; u < 8; u++) {
                    mean[u] += Math.abs(first.outputGrad().values()[s * 8 + u]);
                }
            }
            int top = first.topUnits()[0];
            for (double m : mean) {
                assertTrue(mean[top] >= m);
            }
        }
    }

    @Test
    void theWalkMatchesTrainerStep() throws Exception {
        try (Scope walked = Scope.open("walked"); Scope stepped = Scope.open("stepped")) {
            PreparedExperiment a = PreparedExperiment.prepare(config(), null, "test", walked);
            PreparedExperiment b = PreparedExperiment.prepare(config(), null, "test", stepped);
            BackpropWalk walk = BackpropWalk.take(a.module(), TYPES, a.optimizer(), a.loss(), firstBatch(a));
            Trainer trainer = new Trainer(b.module(), b.optimizer(), b.loss(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
            Trainer.Step step = trainer.step(firstBatch(b));
            assertEquals(step, walk.result());
            for (int k = 0; k < a.module().parameters().size(); k++) {
                assertArrayEquals(b.module().parameters().get(k).tensor().toFloatArray(),
                        a.module().parameters().get(k).tensor().toFloatArray(), "parameter " + k);
            }
        }
    }

    @Test
    void inAPlaygroundRunTheWalkIsExactlyOneTrainedBatch() throws Exception {
        PlaygroundRunTest.Events walked = new PlaygroundRunTest.Events();
        PlaygroundRunTest.Events stepped = new PlaygroundRunTest.Events();
        JsonNode answer;
        try (PlaygroundRun run = PlaygroundRun.start("p1", PlaygroundRunTest.spirals(5), dir.resolve("a"), walked);
                PlaygroundRun other = PlaygroundRun.start("p2", PlaygroundRunTest.spirals(5), dir.resolve("b"), stepped)) {
            answer = run.backprop();
            run.control("step_batch", false);
            other.control("step_batch", false);
            other.control("step_batch", false);
            assertEquals(2, run.optimizer().path("step").asInt());
            assertEquals("paused", run.info().path("status").asString());
            assertEquals(2, other.optimizer().path("step").asInt());
        }
        assertEquals(1, answer.path("step").asInt());
        assertEquals(32, answer.path("size").asInt());
        assertEquals(5, answer.path("layers").size());
        assertEquals("0: dense", answer.path("layers").path(0).path("label").asString());
        assertEquals(List.of(32, 8), shape(answer.path("layers").path(0).path("output").path("shape")));
        assertEquals(8 * 8, answer.path("layers").path(0).path("output").path("values").size());
        List<Double> a = losses(walked);
        List<Double> b = losses(stepped);
        assertEquals(2, a.size());
        assertEquals(b, a);
        assertEquals(a.getFirst(), answer.path("loss").asDouble(), 0.0);
    }

    private static List<Integer> shape(JsonNode a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(d -> out.add(d.asInt()));
        return out;
    }

    private static List<Double> losses(PlaygroundRunTest.Events events) {
        List<Double> out = new ArrayList<>();
        for (JsonNode b : events.of("batch")) {
            b.path("points").forEach(p -> out.add(p.path(1).asDouble()));
        }
        return out;
    }
}
