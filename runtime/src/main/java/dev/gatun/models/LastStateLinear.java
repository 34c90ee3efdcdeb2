package dev.gatun.models;

import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Module;
import dev.gatun.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * A sequence-to-one model: a batch-first recurrent encoder reads the whole sequence, and a
 * linear layer maps the top layer's final hidden state to the outputs (class logits, or the next
 * value of a series). Input [batch, steps, features]; output [batch, outputs].
 */
public final class LastStateLinear extends Module {
    private final LSTM encoder;
    private final Linear head;

    /** {@code hidden} must be the encoder's hidden size (its output features per direction). */
    public LastStateLinear(LSTM encoder, int hidden, int outputs, RandomGenerator rng) {
        this.encoder = register("encoder", encoder);
        this.head = register("head", new Linear(hidden, outputs, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor hN = encoder.forward(x, null, null).hN(); // [layers·directions, batch, hidden]
        int layers = hN.dim(0);
        Tensor last = hN.slice(0, layers - 1, layers).reshape(hN.dim(1), hN.dim(2));
        return head.forward(last);
    }
}
