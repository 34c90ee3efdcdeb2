package dev.gatun.backend;

/**
 * An element-wise function as the backends apply it: an op and the value of its parameter
 * ({@code leaky_relu}'s slope, {@code elu}'s alpha; 0 for ops without one).
 *
 * @param op the operation
 * @param parameter the parameter's value; 0 for ops without one
 */
public record UnaryFn(UnaryOp op, double parameter) {
    /** Checks the parameter against the op's range; an op without one takes only 0. */
    public UnaryFn {
        if (op == null) {
            throw new IllegalArgumentException("unary function: op is null");
        }
        UnaryOp.Parameter p = op.parameter();
        if (p == null) {
            if (parameter != 0) {
                throw new IllegalArgumentException(name(op) + " takes no parameter, got " + parameter);
            }
        } else {
            String problem = p.problem(parameter);
            if (problem != null) {
                throw new IllegalArgumentException(name(op) + " " + p.name() + ": " + problem);
            }
        }
    }

    /**
     * The op with its default parameter (PyTorch's), if it has one.
     *
     * @param op the operation
     * @return the function
     */
    public static UnaryFn of(UnaryOp op) {
        return new UnaryFn(op, op.parameter() == null ? 0 : op.parameter().defaultValue());
    }

    /**
     * The op with the given parameter value.
     *
     * @return the function
     */
    public static UnaryFn of(UnaryOp op, double parameter) {
        return new UnaryFn(op, parameter);
    }

    /**
     * f(x).
     *
     * @param x the input value
     * @return f(x)
     */
    public double apply(double x) {
        return op.apply(x, parameter);
    }

    /**
     * f'(x) from x and y = f(x); see {@link UnaryOp#derivative}.
     *
     * @param x the input value
     * @param y f(x)
     * @return f'(x)
     */
    public double derivative(double x, double y) {
        return op.derivative(x, y, parameter);
    }

    /** The op's lower-case name with its parameter, as in errors and autograd records: {@code leaky_relu(slope=0.2)}. */
    @Override
    public String toString() {
        return op.parameter() == null ? name(op) : name(op) + "(" + op.parameter().name() + "=" + parameter + ")";
    }

    private static String name(UnaryOp op) {
        return op.name().toLowerCase(java.util.Locale.ROOT);
    }
}
