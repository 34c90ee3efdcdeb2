package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.data.DataLoader;
import dev.gatun.nn.Graph;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One batch trained layer by layer so that a page can walk it: the forward pass one layer at a
 * time, the loss, then the backward pass one layer at a time, then the optimizer's step, all with
 * the runtime's own tensors and autograd. Each layer runs on a detached copy of the previous
 * layer's output that asks for a gradient, so the gradient reaching each layer's output is kept
 * where a single backward pass would drop it; the values, gradients and update are the same, bit
 * for bit, as {@link Trainer#step}'s on the same batch.
 *
 * @param loss the batch's loss before the step
 * @param correct the batch's correct predictions (0 for regression)
 * @param size the batch's examples
 * @param labels the labels (or the first target values) of the examples shown
 * @param layers what each layer saw and did
 */
record BackpropWalk(double loss, long correct, int size, float[] labels, List<Layer> layers) {
    /** The most examples shown per tensor. */
    static final int EXAMPLES = 8;
    /** The most units (or inputs) shown per tensor; the network view draws as many. */
    static final int UNITS = NetworkDiagram.DRAWN;
    /** The neurons and weights highlighted at each backward stage. */
    static final int TOP = 3;

    /**
     * One layer's part of the walk.
     *
     * @param index its index among the network's layers
     * @param type its config type
     * @param input what it received (forward)
     * @param output what it gave (forward)
     * @param outputGrad the loss's gradient with respect to its output (backward)
     * @param params its parameters' gradients and the step's updates
     * @param topUnits the output units with the largest mean |gradient| over the batch, largest first
     * @param topWeights the entries of its weight with the largest |update|, largest first
     */
    record Layer(int index, String type, TensorSlice input, TensorSlice output, TensorSlice outputGrad,
            List<Param> params, int[] topUnits, List<Entry> topWeights) {}

    /**
     * A parameter's gradient and the optimizer's change of it.
     *
     * @param name its name in the layer ({@code weight}, {@code bias})
     * @param grad its gradient after backward
     * @param update its value after the step minus before
     */
    record Param(String name, TensorSlice grad, TensorSlice update) {}

    /**
     * One weight entry: row (output unit) and column (input unit), its gradient and its update.
     *
     * @param row the row
     * @param col the column
     * @param grad its gradient
     * @param update its change by the step
     */
    record Entry(int row, int col, float grad, float update) {}

    /**
     * Refuses a graph model: the walk feeds each layer the layer before's output, which only a
     * stack of layers computes.
     *
     * @param net the network
     * @throws IllegalStateException when it is a {@link Graph}
     */
    static void requireStack(Module net) {
        if (net instanceof Graph) {
            throw new IllegalStateException("the step-by-step backprop view walks a stack of layers; this model is a "
                    + "graph (its layers read named inputs): train it with step or play");
        }
    }

    /**
     * Trains {@code net} on {@code batch} as {@link Trainer#step} does (training mode, forward, loss,
     * zeroGrad, backward, step), recording each layer on the way. Intermediates go to the current scope.
     *
     * @param net the network
     * @param types each layer's config type, or an empty list
     * @param optimizer the run's optimizer
     * @param loss the run's loss (penalties included)
     * @param batch the batch
     * @return the walk
     */
    static BackpropWalk take(Module net, List<String> types, Optimizer optimizer, Loss loss, DataLoader.Batch batch) {
        requireStack(net);
        List<Module> modules = net.children().isEmpty() ? List.of(net) : net.children();
        int n = modules.size();
        net.train(true);
        Tensor[] inputs = new Tensor[n + 1];
        Tensor[] outputs = new Tensor[n];
        inputs[0] = batch.features().to(net.device());
        for (int i = 0; i < n; i++) {
            outputs[i] = modules.get(i).forward(inputs[i]);
            // The next layer starts from a leaf of the same values: its gradient is kept.
            inputs[i + 1] = outputs[i].dtype().isFloating() ? outputs[i].detach().requiresGrad(true) : outputs[i];
        }
        Tensor labels = batch.labels().to(net.device());
        Tensor l = loss.apply(inputs[n], labels);
        optimizer.zeroGrad();
        l.backward();
        for (int i = n - 1; i >= 0; i--) {
            Tensor g = inputs[i + 1].grad();
            if (g != null && outputs[i].gradFn() != null) {
                Autograd.backward(outputs[i], g);
            }
        }
        // Gradients are read before the step: an optimizer may clip or reuse them.
        List<List<float[]>> before = new ArrayList<>();
        List<List<float[]>> grads = new ArrayList<>();
        for (Module m : modules) {
            List<float[]> ws = new ArrayList<>();
            List<float[]> gs = new ArrayList<>();
            for (Parameter p : m.parameters()) {
                ws.add(p.tensor().toFloatArray());
                gs.add(p.grad() == null ? new float[(int) p.tensor().size()] : p.grad().toFloatArray());
            }
            before.add(ws);
            grads.add(gs);
        }
        optimizer.step();
        double value = l.item();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Module m = modules.get(i);
            String type = types.size() == n ? types.get(i) : m.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            Tensor g = inputs[i + 1].grad();
            float[] outputGrad = g == null ? null : g.toFloatArray();
            List<Param> params = new ArrayList<>();
            List<Entry> top = List.of();
            for (int k = 0; k < m.parameters().size(); k++) {
                Parameter p = m.parameters().get(k);
                float[] grad = grads.get(i).get(k);
                float[] old = before.get(i).get(k);
                float[] now = p.tensor().toFloatArray();
                float[] update = new float[now.length];
                for (int j = 0; j < now.length; j++) {
                    update[j] = now[j] - old[j];
                }
                String name = p.name().substring(p.name().lastIndexOf('.') + 1);
                int[] shape = p.tensor().shape();
                params.add(new Param(name, TensorSlice.of(grad, shape, UNITS, UNITS), TensorSlice.of(update, shape, UNITS,
                        UNITS)));
                if (name.equals("weight") && shape.length == 2) {
                    top = topEntries(grad, update, shape[1]);
                }
            }
            layers.add(new Layer(i, type, TensorSlice.of(inputs[i], EXAMPLES, UNITS),
                    TensorSlice.of(outputs[i], EXAMPLES, UNITS),
                    outputGrad == null ? null : TensorSlice.of(outputGrad, outputs[i].shape(), EXAMPLES, UNITS),
                    List.copyOf(params), outputGrad == null ? new int[0] : topUnits(outputGrad, outputs[i].shape()[0]),
                    top));
        }
        long correct = countCorrect(outputs[n - 1], labels);
        int shown = Math.min(EXAMPLES, batch.size());
        float[] all = labels.dtype() == DType.INT32 ? toFloats(labels.toIntArray()) : labels.toFloatArray();
        int width = all.length / Math.max(batch.size(), 1);
        float[] firstLabels = new float[shown];
        for (int i = 0; i < shown; i++) {
            firstLabels[i] = all[i * width];
        }
        return new BackpropWalk(value, correct, batch.size(), firstLabels, List.copyOf(layers));
    }

    /** {@return the walk as the trainer's step result, for the run's counts} */
    Trainer.Step result() {
        return new Trainer.Step(loss, correct, size);
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    /** The units whose gradient, in mean absolute value over the batch, is largest (of the shown ones). */
    private static int[] topUnits(float[] grad, int batch) {
        int units = grad.length / Math.max(batch, 1);
        double[] mean = new double[units];
        for (int s = 0; s < batch; s++) {
            for (int u = 0; u < units; u++) {
                mean[u] += Math.abs(grad[s * units + u]) / batch;
            }
        }
        return IntStream.range(0, Math.min(units, UNITS)).boxed()
                .sorted(Comparator.comparingDouble((Integer u) -> -mean[u]).thenComparing(u -> u))
                .limit(TOP).mapToInt(Integer::intValue).toArray();
    }

    /** The weight entries among those drawn with the largest |update|, then |gradient|. */
    private static List<Entry> topEntries(float[] grad, float[] update, int cols) {
        int rows = grad.length / cols;
        List<Entry> entries = new ArrayList<>();
        for (int r = 0; r < Math.min(rows, UNITS); r++) {
            for (int c = 0; c < Math.min(cols, UNITS); c++) {
                entries.add(new Entry(r, c, grad[r * cols + c], update[r * cols + c]));
            }
        }
        return entries.stream()
                .sorted(Comparator.comparingDouble((Entry e) -> -Math.abs(e.update()))
                        .thenComparingDouble(e -> -Math.abs(e.grad())))
                .limit(TOP).toList();
    }

    private static long countCorrect(Tensor output, Tensor labels) {
        if (labels.dtype() != DType.INT32) {
            return 0;
        }
        int[] predicted = output.argmax().toIntArray();
        int[] truth = labels.toIntArray();
        long c = 0;
        for (int i = 0; i < truth.length; i++) {
            c += predicted[i] == truth[i] ? 1 : 0;
        }
        return c;
    }

    /**
     * The answer to {@code POST /api/runs/{run}/backprop}.
     *
     * @param run the run's id
     * @param step the optimizer steps taken, this batch's included
     * @return {@code {run, step, loss, size, correct, labels, layers: [...]}}
     */
    ObjectNode json(String run, long step) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        EventJson.number(o, "loss", loss);
        o.put("size", size);
        o.put("correct", correct);
        ArrayNode ls = o.putArray("labels");
        for (float f : labels) {
            EventJson.number(ls, f);
        }
        ArrayNode out = o.putArray("layers");
        for (Layer layer : layers) {
            ObjectNode j = out.addObject();
            j.put("index", layer.index());
            j.put("type", layer.type());
            j.put("label", layer.index() + ": " + layer.type());
            j.set("input", layer.input().json());
            j.set("output", layer.output().json());
            if (layer.outputGrad() == null) {
                j.putNull("outputGrad");
            } else {
                j.set("outputGrad", layer.outputGrad().json());
            }
            ArrayNode ps = j.putArray("params");
            for (Param p : layer.params()) {
                ObjectNode pj = ps.addObject();
                pj.put("name", p.name());
                pj.set("grad", p.grad().json());
                pj.set("update", p.update().json());
            }
            ArrayNode units = j.putArray("topUnits");
            Arrays.stream(layer.topUnits()).forEach(units::add);
            ArrayNode weights = j.putArray("topWeights");
            for (Entry e : layer.topWeights()) {
                ObjectNode ej = weights.addObject();
                ej.put("row", e.row());
                ej.put("col", e.col());
                EventJson.number(ej, "grad", e.grad());
                EventJson.number(ej, "update", e.update());
            }
        }
        return o;
    }
}
