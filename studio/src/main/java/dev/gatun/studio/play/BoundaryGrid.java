package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.nn.Module;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.Base64;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 2-D classifier's decision over a grid: for each cell the class and how sure the model is,
 * from one forward pass over the cell centres. Row 0 is the top (yMax).
 *
 * @param width cells across
 * @param height cells down
 * @param xMin the grid's left edge
 * @param xMax the grid's right edge
 * @param yMin the grid's bottom edge
 * @param yMax the grid's top edge
 * @param classes the number of classes
 * @param cells per cell, the class index then the confidence 0..255
 */
record BoundaryGrid(int width, int height, double xMin, double xMax, double yMin, double yMax, int classes,
        byte[] cells) {

    /**
     * Runs {@code model} (in inference mode, without gradients) over a width × height grid.
     *
     * @param model a classifier of 2 features
     * @param size cells along each side
     * @param bounds xMin, xMax, yMin, yMax
     * @return the grid
     */
    static BoundaryGrid of(Module model, int size, double[] bounds) {
        float[] points = new float[size * size * 2];
        for (int r = 0; r < size; r++) {
            double y = bounds[3] - (r + 0.5) * (bounds[3] - bounds[2]) / size;
            for (int c = 0; c < size; c++) {
                double x = bounds[0] + (c + 0.5) * (bounds[1] - bounds[0]) / size;
                points[2 * (r * size + c)] = (float) x;
                points[2 * (r * size + c) + 1] = (float) y;
            }
        }
        float[] logits;
        int classes;
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (Scope scope = Scope.open("studio boundary"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor out = model.forward(Tensor.of(points, size * size, 2).to(model.device()));
            classes = out.shape()[1];
            logits = out.toFloatArray();
        } finally {
            model.train(wasTraining);
        }
        byte[] cells = new byte[size * size * 2];
        for (int i = 0; i < size * size; i++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                if (logits[i * classes + k] > max) {
                    max = logits[i * classes + k];
                    best = k;
                }
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[i * classes + k] - max);
            }
            // Softmax probability of the winner, rescaled from [1/classes, 1] to [0, 255].
            double p = 1 / sum;
            double sure = classes > 1 ? (p - 1.0 / classes) / (1 - 1.0 / classes) : 1;
            cells[2 * i] = (byte) best;
            cells[2 * i + 1] = (byte) Math.round(255 * Math.clamp(Double.isFinite(sure) ? sure : 0, 0, 1));
        }
        return new BoundaryGrid(size, size, bounds[0], bounds[1], bounds[2], bounds[3], classes, cells);
    }

    /**
     * The {@code boundary} event's data.
     *
     * @param run the run's id
     * @param step the optimizer steps taken
     * @return the event object
     */
    ObjectNode json(String run, long step) {
        ObjectNode o = EventJson.event(run);
        o.put("step", step);
        o.put("width", width);
        o.put("height", height);
        o.put("xMin", xMin);
        o.put("xMax", xMax);
        o.put("yMin", yMin);
        o.put("yMax", yMax);
        o.put("classes", classes);
        o.put("cells", Base64.getEncoder().encodeToString(cells));
        return o;
    }
}
