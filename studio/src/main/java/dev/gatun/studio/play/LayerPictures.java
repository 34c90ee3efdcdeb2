package dev.gatun.studio.play;

import dev.gatun.nn.Parameter;
import dev.gatun.report.Histogram;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The weights and gradients of a network at one step, copied off the parameters on the training
 * thread (the copy is all that happens there), and turned into the {@code weights} and
 * {@code histograms} events on another.
 */
final class LayerPictures {
    /** The side a weight heat map is block-averaged down to. */
    static final int MAX_SIDE = 64;
    /** Bins of each histogram. */
    static final int BINS = 30;

    private record Copy(String label, int rows, int cols, float[] weights, float[] grads) {}

    private final List<Copy> copies;
    private final long step;

    private LayerPictures(List<Copy> copies, long step) {
        this.copies = copies;
        this.step = step;
    }

    /**
     * Copies every parameter's values and gradient. A weight of rank 2 or more is a matrix of its
     * first axis × the rest (a conv's filters × inputs·kernel); a bias is one row.
     *
     * @param parameters the network's parameters
     * @param step the optimizer steps taken
     * @return the copies
     */
    static LayerPictures take(List<Parameter> parameters, long step) {
        List<Copy> copies = new ArrayList<>();
        for (Parameter p : parameters) {
            int[] shape = p.tensor().shape();
            int rows = shape.length >= 2 ? shape[0] : 1;
            int cols = (int) (p.tensor().size() / Math.max(rows, 1));
            float[] grads = p.grad() == null ? null : p.grad().toFloatArray();
            copies.add(new Copy(p.name(), rows, cols, p.tensor().toFloatArray(), grads));
        }
        return new LayerPictures(copies, step);
    }

    /**
     * The {@code weights} event: each matrix (not the biases) block-averaged to at most
     * {@value #MAX_SIDE} × {@value #MAX_SIDE}.
     *
     * @param run the run's id
     * @return the event object
     */
    ObjectNode weights(String run) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        ArrayNode layers = o.putArray("layers");
        for (Copy c : copies) {
            if (c.rows() < 2 && copies.size() > 1) {
                continue;
            }
            int rows = Math.min(c.rows(), MAX_SIDE);
            int cols = Math.min(c.cols(), MAX_SIDE);
            float[] small = blockAverage(c.weights(), c.rows(), c.cols(), rows, cols);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float v : c.weights()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            ObjectNode layer = layers.addObject();
            layer.put("label", c.label());
            layer.put("rows", rows);
            layer.put("cols", cols);
            layer.put("sourceRows", c.rows());
            layer.put("sourceCols", c.cols());
            EventJson.number(layer, "min", min);
            EventJson.number(layer, "max", max);
            layer.put("values", EventJson.floats(small));
        }
        return o;
    }

    /**
     * The {@code histograms} event: per parameter, {@value #BINS} bins of its values and of its gradient.
     *
     * @param run the run's id
     * @return the event object
     */
    ObjectNode histograms(String run) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        ArrayNode layers = o.putArray("layers");
        for (Copy c : copies) {
            ObjectNode layer = layers.addObject();
            layer.put("label", c.label());
            histogram(layer, "weights", Histogram.WEIGHT, c.label(), c.weights());
            if (c.grads() != null) {
                histogram(layer, "grads", Histogram.GRAD, c.label(), c.grads());
            }
        }
        return o;
    }

    private static void histogram(ObjectNode layer, String key, String kind, String label, float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        Histogram h = Histogram.of(label, kind, d, BINS);
        ObjectNode o = layer.putObject(key);
        EventJson.number(o, "lo", h.min());
        EventJson.number(o, "hi", h.max());
        ArrayNode counts = o.putArray("counts");
        for (long n : h.counts()) {
            counts.add(n);
        }
    }

    /** The mean of each of rows × cols blocks of a sourceRows × sourceCols matrix. */
    static float[] blockAverage(float[] m, int sourceRows, int sourceCols, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int r0 = (int) ((long) r * sourceRows / rows);
            int r1 = Math.max(r0 + 1, (int) ((long) (r + 1) * sourceRows / rows));
            for (int c = 0; c < cols; c++) {
                int c0 = (int) ((long) c * sourceCols / cols);
                int c1 = Math.max(c0 + 1, (int) ((long) (c + 1) * sourceCols / cols));
                double sum = 0;
                for (int i = r0; i < r1; i++) {
                    for (int j = c0; j < c1; j++) {
                        sum += m[i * sourceCols + j];
                    }
                }
                out[r * cols + c] = (float) (sum / ((r1 - r0) * (c1 - c0)));
            }
        }
        return out;
    }
}
