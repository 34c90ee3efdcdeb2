package dev.gatun.studio.play;

import dev.gatun.tensor.Tensor;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The part of a tensor a page shows, with the exact values there: its first rows (examples, or a
 * weight's output units) by its first columns (everything else, flattened), and the whole tensor's
 * shape, minimum, maximum and mean.
 *
 * @param shape the whole tensor's shape
 * @param rows the rows shown
 * @param cols the columns shown
 * @param values rows × cols values, row-major
 * @param min the whole tensor's minimum
 * @param max the whole tensor's maximum
 * @param mean the whole tensor's mean
 */
record TensorSlice(int[] shape, int rows, int cols, float[] values, double min, double max, double mean) {

    /**
     * Cuts {@code t} (read once from its device) to at most {@code rows} × {@code cols}; a rank-1
     * tensor is one row.
     *
     * @param t the tensor
     * @param rows the most rows
     * @param cols the most columns
     * @return the slice
     */
    static TensorSlice of(Tensor t, int rows, int cols) {
        return of(t.toFloatArray(), t.shape(), rows, cols);
    }

    /**
     * Cuts {@code all}, a tensor of {@code shape} read out, to at most {@code rows} × {@code cols}.
     *
     * @param all the values, row-major
     * @param shape their shape
     * @param rows the most rows
     * @param cols the most columns
     * @return the slice
     */
    static TensorSlice of(float[] all, int[] shape, int rows, int cols) {
        int totalRows = shape.length <= 1 ? 1 : shape[0];
        int width = all.length / Math.max(totalRows, 1);
        int r = Math.min(rows, totalRows);
        int c = Math.min(cols, width);
        float[] v = new float[r * c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(all, i * width, v, i * c, c);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float f : all) {
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        return new TensorSlice(shape.clone(), r, c, v, min, max, all.length == 0 ? Double.NaN : sum / all.length);
    }

    /** {@return {shape, rows, cols, values, min, max, mean}, each float written as its exact double} */
    ObjectNode json() {
        ObjectNode o = EventJson.object();
        ArrayNode s = o.putArray("shape");
        for (int d : shape) {
            s.add(d);
        }
        o.put("rows", rows);
        o.put("cols", cols);
        ArrayNode a = o.putArray("values");
        for (float f : values) {
            EventJson.number(a, f);
        }
        EventJson.number(o, "min", min);
        EventJson.number(o, "max", max);
        EventJson.number(o, "mean", mean);
        return o;
    }
}
