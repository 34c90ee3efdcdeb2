package dev.gatun.backend;

/** Element-wise binary arithmetic. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV;

    /** The result for one pair of values. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }
}
