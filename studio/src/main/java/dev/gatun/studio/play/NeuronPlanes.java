package dev.gatun.studio.play;

import dev.gatun.autograd.Autograd;
import dev.gatun.nn.Module;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What each drawn neuron of a 2-feature network outputs over the input plane, as TF Playground
 * shows it: a size × size grid of points goes once through the layers (in inference mode, without
 * gradients), and every layer's output is kept; a column's neurons show the output of the last
 * layer folded onto it. Row 0 is the top (yMax).
 *
 * @param size cells along each side
 * @param bounds xMin, xMax, yMin, yMax
 * @param columns per diagram column, per drawn neuron, size × size values
 */
record NeuronPlanes(int size, double[] bounds, List<float[][]> columns) {
    /** Cells along each side of a neuron's picture. */
    static final int CELLS = 24;

    /**
     * Forwards the grid through {@code net}'s layers and cuts each column's neurons out of it.
     *
     * @param net the network, of two input features
     * @param diagram its diagram (supported)
     * @param size cells along each side
     * @param bounds xMin, xMax, yMin, yMax
     * @return the planes
     */
    static NeuronPlanes of(Module net, NetworkDiagram diagram, int size, double[] bounds) {
        int n = size * size;
        float[] points = new float[n * 2];
        for (int r = 0; r < size; r++) {
            double y = bounds[3] - (r + 0.5) * (bounds[3] - bounds[2]) / size;
            for (int c = 0; c < size; c++) {
                points[2 * (r * size + c)] = (float) (bounds[0] + (c + 0.5) * (bounds[1] - bounds[0]) / size);
                points[2 * (r * size + c) + 1] = (float) y;
            }
        }
        List<Module> layers = net.children().isEmpty() ? List.of(net) : net.children();
        List<float[]> outputs = new ArrayList<>();
        boolean wasTraining = net.isTraining();
        net.train(false);
        try (Scope scope = Scope.open("studio neuron planes"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor x = Tensor.of(points, n, 2).to(net.device());
            for (Module layer : layers) {
                x = layer.forward(x);
                outputs.add(x.toFloatArray());
            }
        } finally {
            net.train(wasTraining);
        }
        List<float[][]> columns = new ArrayList<>();
        for (NetworkDiagram.Column column : diagram.columns()) {
            int[] folded = column.layers();
            float[] values = folded.length == 0 ? points : outputs.get(folded[folded.length - 1]);
            int units = values.length / n;
            float[][] planes = new float[column.drawn()][n];
            for (int k = 0; k < column.drawn(); k++) {
                for (int i = 0; i < n; i++) {
                    planes[k][i] = values[i * units + k];
                }
            }
            columns.add(planes);
        }
        return new NeuronPlanes(size, bounds.clone(), List.copyOf(columns));
    }
}
