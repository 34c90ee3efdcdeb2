package dev.gatun.nn;

import dev.gatun.ops.AxisConcat;
import dev.gatun.ops.RecurrentSequence.Cell;
import dev.gatun.ops.RecurrentSequence;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The shared body of {@link RNN}, {@link LSTM} and {@link GRU}: PyTorch's parameters, stacking and
 * directions around {@link RecurrentSequence}, which runs one (layer, direction) as one autograd node.
 * Code that takes "any recurrent layer" takes this type.
 */
public abstract sealed class RecurrentLayer extends Module permits RNN, LSTM, GRU {
    private final Cell cell;
    private final int inputSize;
    private final int hiddenSize;
    private final int numLayers;
    private final int directions;
    private final boolean batchFirst;
    // [layer][direction] → {weight_ih, weight_hh, bias_ih, bias_hh}
    private final Parameter[][][] weights;

    RecurrentLayer(Cell cell, int inputSize, int hiddenSize, int numLayers, boolean bidirectional, boolean batchFirst,
                   DType dtype, RandomGenerator rng) {
        String name = getClass().getSimpleName();
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) {
            throw new IllegalArgumentException(name + ": sizes must be > 0, got inputSize=" + inputSize + ", hiddenSize="
                    + hiddenSize + ", numLayers=" + numLayers);
        }
        if (!dtype.isFloating() || dtype.isHalf()) {
            throw new IllegalArgumentException(name + ": dtype must be float32 or float64, got " + dtype.label());
        }
        this.cell = cell;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.directions = bidirectional ? 2 : 1;
        this.batchFirst = batchFirst;
        this.weights = new Parameter[numLayers][directions][];
        int gh = cell.gates() * hiddenSize;
        double bound = 1 / Math.sqrt(hiddenSize);
        for (int k = 0; k < numLayers; k++) {
            int in = k == 0 ? inputSize : directions * hiddenSize;
            for (int d = 0; d < directions; d++) {
                String suffix = "_l" + k + (d == 1 ? "_reverse" : "");
                weights[k][d] = new Parameter[] {
                    register("weight_ih" + suffix, Tensor.uniform(rng, -bound, bound, dtype, gh, in)),
                    register("weight_hh" + suffix, Tensor.uniform(rng, -bound, bound, dtype, gh, hiddenSize)),
                    register("bias_ih" + suffix, Tensor.uniform(rng, -bound, bound, dtype, gh)),
                    register("bias_hh" + suffix, Tensor.uniform(rng, -bound, bound, dtype, gh)),
                };
            }
        }
    }

    /** The output sequence, [T, B, D·H] (or [B, T, D·H] batch-first); initial states are zero. */
    @Override
    public Tensor forward(Tensor x) {
        return run(x, null, null).output();
    }

    final RecurrentOutput run(Tensor x, Tensor h0, Tensor c0) {
        String name = toString();
        if (x.rank() != 3) {
            throw new IllegalArgumentException(name + ": input must be 3-D " + (batchFirst ? "[batch, T, " : "[T, batch, ")
                    + inputSize + "], got " + x.describe());
        }
        if (x.dim(2) != inputSize) {
            throw new IllegalArgumentException(name + ": input feature size " + x.dim(2) + " does not match inputSize "
                    + inputSize + " (input " + x.describe() + ")");
        }
        int steps = x.dim(batchFirst ? 1 : 0);
        int batch = x.dim(batchFirst ? 0 : 1);
        if (steps == 0) {
            throw new IllegalArgumentException(name + ": sequence length must be > 0, got input " + x.describe());
        }
        checkState(name, "h0", h0, batch);
        if (c0 != null && cell != Cell.LSTM) {
            throw new IllegalArgumentException(name + ": takes no c0 (only LSTM has a cell state)");
        }
        checkState(name, "c0", c0, batch);
        Tensor seq = batchFirst ? x.transpose(0, 1) : x;
        List<Tensor> hN = new ArrayList<>();
        List<Tensor> cN = new ArrayList<>();
        for (int k = 0; k < numLayers; k++) {
            Tensor[] outs = new Tensor[directions];
            for (int d = 0; d < directions; d++) {
                int index = k * directions + d;
                boolean reverse = d == 1;
                Parameter[] w = weights[k][d];
                Tensor states = RecurrentSequence.run(cell, reverse, seq,
                        h0 == null ? null : h0.slice(0, index, index + 1),
                        c0 == null ? null : c0.slice(0, index, index + 1),
                        w[0].tensor(), w[1].tensor(), w[2].tensor(), w[3].tensor());
                int[] out = RecurrentSequence.outputSlots(reverse, steps);
                outs[d] = RecurrentSequence.slots(states, 0, out[0], out[1]);
                int last = RecurrentSequence.finalSlot(reverse, steps);
                hN.add(RecurrentSequence.slots(states, 0, last, last + 1));
                if (cell == Cell.LSTM) {
                    cN.add(RecurrentSequence.slots(states, 1, last, last + 1));
                }
            }
            seq = AxisConcat.apply(2, outs);
        }
        Tensor output = batchFirst ? seq.transpose(0, 1) : seq;
        return new RecurrentOutput(output, AxisConcat.apply(0, hN.toArray(Tensor[]::new)),
                cell == Cell.LSTM ? AxisConcat.apply(0, cN.toArray(Tensor[]::new)) : null);
    }

    private void checkState(String name, String what, Tensor s, int batch) {
        if (s == null) {
            return;
        }
        int layers = numLayers * directions;
        if (s.rank() != 3 || s.dim(0) != layers || s.dim(1) != batch || s.dim(2) != hiddenSize) {
            throw new IllegalArgumentException(name + ": " + what + " must be [" + layers + ", " + batch + ", "
                    + hiddenSize + "] (numLayers·directions, batch, hiddenSize), got " + s.describe());
        }
    }

    /**
     * Runs the layer from initial states h0 (and c0, LSTM only) [L·D, B, H]; null means zeros.
     * Returns the output sequence and the final states.
     *
     * @param x the input [T, B, in], or [B, T, in] when batch-first
     * @param h0OrNull the initial hidden state [L·D, B, H], or null for zeros
     * @param c0OrNull the initial cell state [L·D, B, H] (LSTM only), or null for zeros
     * @return the output sequence and the final states
     */
    public abstract RecurrentOutput forward(Tensor x, Tensor h0OrNull, Tensor c0OrNull);

    /** {@return L, the number of stacked layers} */
    public final int numLayers() {
        return numLayers;
    }

    /** {@return D, 2 when bidirectional, else 1} */
    public final int directions() {
        return directions;
    }

    /** {@return the input feature size} */
    public final int inputSize() {
        return inputSize;
    }

    /** {@return H, the hidden size} */
    public final int hiddenSize() {
        return hiddenSize;
    }

    /** {@return whether input and output are [B, T, ...] rather than [T, B, ...]} */
    public final boolean batchFirst() {
        return batchFirst;
    }

    /** The parameters of one (layer, direction): weight_ih, weight_hh, bias_ih, bias_hh; for {@link LstmTrace}. */
    final Tensor[] weightsOf(int layer, int direction) {
        Parameter[] w = weights[layer][direction];
        return new Tensor[] {w[0].tensor(), w[1].tensor(), w[2].tensor(), w[3].tensor()};
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + inputSize + ", " + hiddenSize
                + (numLayers > 1 ? ", numLayers=" + numLayers : "") + (directions == 2 ? ", bidirectional" : "")
                + (batchFirst ? ", batchFirst" : "") + ")";
    }
}
