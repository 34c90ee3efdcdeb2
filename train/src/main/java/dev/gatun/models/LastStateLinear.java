package dev.gatun.models;

import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.nn.RecurrentLayer;
import dev.gatun.ops.AxisConcat;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A sequence-to-one model: a recurrent encoder (RNN, LSTM or GRU) reads the whole sequence, and
 * a linear layer maps the top layer's final hidden state to the outputs (class logits, or the
 * next value of a series). For a bidirectional encoder the top layer's two final states (forward
 * direction after the last step, reverse direction after the first) are concatenated.
 * Input as the encoder takes it; output [batch, outputs].
 */
public final class LastStateLinear extends Module {
    private final RecurrentLayer encoder;
    private final Linear head;

    /**
     * A linear head of {@code outputs} units over {@code encoder}'s final state.
     *
     * @param encoder the recurrent layer whose final hidden state is read
     * @param outputs the number of outputs
     * @param rng the source of the initial weights
     */
    public LastStateLinear(RecurrentLayer encoder, int outputs, RandomGenerator rng) {
        this.encoder = register("encoder", encoder);
        // The head takes the encoder's dtype, so a float64 model (gradient checks) stays float64.
        DType dtype = encoder.parameters().getFirst().tensor().dtype();
        this.head = register("head", new Linear(encoder.directions() * encoder.hiddenSize(), outputs, true, dtype, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor hN = encoder.forward(x, null, null).hN(); // [layers·directions, batch, hidden]
        int planes = hN.dim(0);
        int d = encoder.directions();
        int batch = hN.dim(1);
        int hidden = hN.dim(2);
        Tensor last = d == 1
                ? hN.slice(0, planes - 1, planes).reshape(batch, hidden)
                : AxisConcat.apply(1, hN.slice(0, planes - 2, planes - 1).reshape(batch, hidden),
                        hN.slice(0, planes - 1, planes).reshape(batch, hidden));
        return head.forward(last);
    }
}
