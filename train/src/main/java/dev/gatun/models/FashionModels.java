package dev.gatun.models;

import dev.gatun.nn.Activation;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.LSTM;
import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Module;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import java.util.random.RandomGenerator;

/**
 * The networks of the Fashion-MNIST samples, defined once so the samples, the training-step
 * benchmarks and the tests train exactly the same models (and the PyTorch references in
 * {@code bench/pytorch/fashion_mnist.py} mirror them layer for layer).
 */
public final class FashionModels {
    private FashionModels() {}

    /**
     * MLP 784-256-128-10 with ReLU; input [batch, 784].
     *
     * @param rng the source of the initial weights
     * @return the network
     */
    public static Sequential mlp(RandomGenerator rng) {
        return new Sequential(
                new Linear(784, 256, rng), Activation.relu(),
                new Linear(256, 128, rng), Activation.relu(),
                new Linear(128, 10, rng));
    }

    /**
     * conv5×5 1→32 pad 2, ReLU, maxpool 2, conv5×5 32→64 pad 2, ReLU, maxpool 2, linear 3136→10;
     * input [batch, 1, 28, 28].
     *
     * <p>Each ReLU runs after its pooling rather than before: max pooling and ReLU are both
     * monotone, so relu(maxpool(x)) = maxpool(relu(x)) with the same gradient (both route it to
     * the window's first maximum, or to nothing when that maximum is negative), and the ReLU then
     * touches a quarter of the values. The PyTorch reference uses the same order.
     *
     * @param rng the source of the initial weights
     * @return the network
     */
    public static Sequential cnn(RandomGenerator rng) {
        return new Sequential(
                new Conv2d(1, 32, 5, 1, 2, rng), new MaxPool2d(2), Activation.relu(),
                new Conv2d(32, 64, 5, 1, 2, rng), new MaxPool2d(2), Activation.relu(),
                new Flatten(), new Linear(64 * 7 * 7, 10, rng));
    }

    /**
     * Each image as 28 steps of 28 pixels: LSTM hidden 128, last hidden state → linear 10; input [batch, 28, 28].
     *
     * @param rng the source of the initial weights
     * @return the network
     */
    public static Module lstm(RandomGenerator rng) {
        return new LastStateLinear(new LSTM(28, 128, 1, false, true, DType.FLOAT32, rng), 10, rng);
    }
}
