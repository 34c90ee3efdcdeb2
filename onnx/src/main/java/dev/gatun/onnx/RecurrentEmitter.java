package dev.gatun.onnx;

import dev.gatun.config.LayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rnn}, {@code lstm} and {@code gru} (batch-first, as configs build them) as ONNX's own
 * RNN, LSTM and GRU ops, one per stacked layer, between transposes to ONNX's time-major layout.
 * Gate blocks are reordered from PyTorch's (LSTM i, f, g, o; GRU r, z, n) to ONNX's (i, o, f, c;
 * z, r, h), and GRU sets linear_before_reset as PyTorch computes n = tanh(x_n + r·(h·W_hnᵀ + b_hn)).
 */
final class RecurrentEmitter implements LayerEmitter<LayerConfig.Recurrent> {
    @Override
    public String emit(LayerConfig.Recurrent r, LayerInput in, OnnxGraph graph) {
        Cell cell = Cell.of(r.cell());
        int h = r.hidden();
        int dirs = r.bidirectional() ? 2 : 1;
        String n = in.name();
        String seq = graph.node("Transpose", n + ".time_major", List.of(in.value()), Map.of("perm", new int[] {1, 0, 2}));
        String lastState = null;
        int features = in.shape()[1];
        for (int k = 0; k < r.layers(); k++) {
            String layer = n + ".l" + k;
            int g = cell.gates * h;
            float[] w = new float[dirs * g * features];
            float[] rec = new float[dirs * g * h];
            float[] b = new float[dirs * 2 * g];
            for (int d = 0; d < dirs; d++) {
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                cell.reorder(in.floats("weight_ih" + suffix), h, features, w, d * g * features);
                cell.reorder(in.floats("weight_hh" + suffix), h, h, rec, d * g * h);
                cell.reorder(in.floats("bias_ih" + suffix), h, 1, b, d * 2 * g);
                cell.reorder(in.floats("bias_hh" + suffix), h, 1, b, d * 2 * g + g);
            }
            List<String> inputs = new ArrayList<>(List.of(seq, graph.floats(layer + ".W", w, dirs, g, features),
                    graph.floats(layer + ".R", rec, dirs, g, h), graph.floats(layer + ".B", b, dirs, 2L * g)));
            Map<String, Object> attributes = new java.util.HashMap<>(Map.of("hidden_size", (long) h,
                    "direction", dirs == 2 ? "bidirectional" : "forward"));
            if (cell == Cell.GRU) {
                attributes.put("linear_before_reset", 1L);
            }
            String[] out = graph.nodeWithOutputs(cell.op, layer, inputs, attributes, 2);
            // Y is [T, D, B, H]; the next layer (and Gatun's output) reads [T, B, D·H].
            String batchMajor = graph.node("Transpose", layer + ".directions_last", List.of(out[0]),
                    Map.of("perm", new int[] {0, 2, 1, 3}));
            seq = graph.node("Reshape", layer + ".concat_directions",
                    List.of(batchMajor, graph.longs(layer + ".shape", 0, 0, -1)), Map.of());
            lastState = out[1];
            features = dirs * h;
        }
        String output = graph.node("Transpose", n + ".batch_first", List.of(seq), Map.of("perm", new int[] {1, 0, 2}));
        graph.recordFinalState(output, lastState);
        return output;
    }

    /** The ONNX op of a config's cell type, and where PyTorch's gate blocks go in ONNX's order. */
    enum Cell {
        RNN("RNN", 1, new int[] {0}),
        LSTM("LSTM", 4, new int[] {0, 3, 1, 2}),
        GRU("GRU", 3, new int[] {1, 0, 2});

        final String op;
        final int gates;
        // onnxBlock i holds PyTorch's block fromTorch[i].
        final int[] fromTorch;

        Cell(String op, int gates, int[] fromTorch) {
            this.op = op;
            this.gates = gates;
            this.fromTorch = fromTorch;
        }

        static Cell of(String type) {
            return switch (type) {
                case "rnn" -> RNN;
                case "gru" -> GRU;
                default -> LSTM;
            };
        }

        /** Copies PyTorch's [G·H, cols] blocks into dst at offset in ONNX's gate order. */
        void reorder(float[] torch, int hidden, int cols, float[] dst, int offset) {
            int block = hidden * cols;
            for (int i = 0; i < gates; i++) {
                System.arraycopy(torch, fromTorch[i] * block, dst, offset + i * block, block);
            }
        }

        /** The inverse of {@link #reorder}: ONNX's blocks back in PyTorch's order. */
        float[] toTorch(float[] onnx, int offset, int hidden, int cols) {
            int block = hidden * cols;
            float[] out = new float[gates * block];
            for (int i = 0; i < gates; i++) {
                System.arraycopy(onnx, offset + i * block, out, fromTorch[i] * block, block);
            }
            return out;
        }
    }
}
