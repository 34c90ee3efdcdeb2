package dev.gatun.backend;

/** Element-wise binary arithmetic. */
public enum BinaryOp {
    /** a + b. */
    ADD,
    /** a - b. */
    SUB,
    /** a · b. */
    MUL,
    /** a / b. */
    DIV;

    /**
     * The result for one pair of values.
     *
     * @param a the left operand
     * @param b the right operand
     * @return a op b
     */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }
}
