package dev.gatun.ops;

import dev.gatun.autograd.Autograd;
import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.BinaryOp;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.tensor.Tensor;

/** Loss functions, each reduced to the mean over the batch. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of class logits [batch, classes] against int32 labels [batch], fused
     * with the log-softmax: the gradient is (softmax - onehot) / batch in one pass.
     *
     * @param logits the class scores [batch, classes]
     * @param labels the class of each example, int32 [batch]
     * @return the mean loss, a scalar tensor
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        Autocast.keepsFloat32("cross_entropy");
        if (DeviceRuntimes.isCapturing(logits.device())) {
            return capturedCrossEntropy(logits, labels);
        }
        Backend be = BackendRegistry.of(logits);
        // The kernels write every element of probs and dx, so both start empty.
        Tensor probs = logits.newEmpty(logits.shape());
        double total = be.crossEntropy(logits, labels, probs);
        int batch = logits.dim(0);
        if (batch == 0) {
            throw new IllegalArgumentException("cross-entropy of an empty batch " + logits.describe());
        }
        Tensor loss = logits.newFull(total / batch);
        return Autograd.record(loss, "cross_entropy", g -> {
            Tensor dx = logits.newEmpty(logits.shape());
            be.crossEntropyBackward(probs, labels, g.item() / batch, dx);
            return new Tensor[] {dx, null};
        }, logits, labels);
    }

    /**
     * Cross-entropy inside a device-graph capture: the loss stays on the device and the backward
     * scales by the upstream gradient there, so nothing is read on the host. The gradient is the
     * eager one bit for bit when the upstream gradient is 1 ({@code loss.backward()}).
     */
    private static Tensor capturedCrossEntropy(Tensor logits, Tensor labels) {
        Backend be = BackendRegistry.of(logits);
        Tensor probs = logits.newZeros(logits.shape());
        Tensor loss = logits.newZeros();
        be.crossEntropyMean(logits, labels, probs, loss);
        int batch = logits.dim(0);
        return Autograd.record(loss, "cross_entropy", g -> {
            Tensor dx = logits.newZeros(logits.shape());
            be.crossEntropyBackward(probs, labels, 1.0 / batch, dx);
            be.binary(BinaryOp.MUL, dx, g, dx);
            return new Tensor[] {dx, null};
        }, logits, labels);
    }

    /**
     * Mean squared error over all elements.
     *
     * @param prediction the predictions
     * @param target the targets, of the predictions' shape
     * @return the mean of (prediction - target)², a scalar tensor
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        if (!java.util.Arrays.equals(prediction.shape(), target.shape())) {
            throw new IllegalArgumentException("mse: prediction " + prediction.describe() + " and target "
                    + target.describe() + " differ in shape");
        }
        Autocast.keepsFloat32("mse");
        Tensor diff = prediction.sub(target);
        return diff.mul(diff).mean();
    }
}
