package dev.gatun.backend;

/** Element-wise functions with their derivatives. */
public enum UnaryOp {
    RELU, SIGMOID, TANH, EXP, LOG;

    /** f(x). */
    public double apply(double x) {
        return switch (this) {
            case RELU -> x > 0 ? x : 0;
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> Math.tanh(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
        };
    }

    /** f'(x) expressed with x and y = f(x), whichever is cheaper and stable. */
    public double derivative(double x, double y) {
        return switch (this) {
            case RELU -> x > 0 ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case EXP -> y;
            case LOG -> 1 / x;
        };
    }

    /** True when the derivative only needs the output, so the input need not be kept. */
    public boolean backwardUsesOutput() {
        return this == SIGMOID || this == TANH || this == EXP;
    }
}
