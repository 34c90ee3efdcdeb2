package dev.gatun.optim;

/**
 * The scalar part of an optimizer's state: which optimizer ({@code Adam}, {@code Sgd}, ...), the
 * steps taken and the learning rate. The tensors are in {@link Optimizer#stateTensors()}.
 *
 * @param optimizer the optimizer's kind, e.g. {@code Adam}
 * @param step the steps taken, >= 0
 * @param learningRate the learning rate in use
 */
public record OptimizerState(String optimizer, int step, double learningRate) {
    /** Checks that the name is not blank and the step count not negative. */
    public OptimizerState {
        if (optimizer == null || optimizer.isBlank()) {
            throw new IllegalArgumentException("optimizer name must not be blank");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }
}
