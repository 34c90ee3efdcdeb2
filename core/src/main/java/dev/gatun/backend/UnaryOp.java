package dev.gatun.backend;

import dev.gatun.kernels.Erf;
import java.util.List;

/**
 * Element-wise functions with their derivatives, in float64 as the scalar backend applies them
 * (PyTorch's definitions). Each op carries:
 * <ul>
 *   <li>its {@link #code() code}, the integer that names it in CUDA C ({@code unary.cu}'s
 *       {@code UNARY_*} defines), never its ordinal;</li>
 *   <li>its {@link #layerName() layer name} when a model can use it as an activation layer, the
 *       one place configs, {@link dev.gatun.nn.Activation} and the CLI look names up;</li>
 *   <li>its {@link #parameter() parameter} (leaky ReLU's slope, ELU's alpha), if any.</li>
 * </ul>
 * {@link UnaryFn} pairs an op with its parameter's value.
 */
public enum UnaryOp {
    /** max(x, 0). */
    RELU(0, LayerName.of("relu"), null),
    /** 1 / (1 + e^-x). */
    SIGMOID(1, LayerName.of("sigmoid"), null),
    /** tanh(x). */
    TANH(2, LayerName.of("tanh"), null),
    /** e^x. */
    EXP(3, null, null),
    /** ln(x). */
    LOG(4, null, null),
    /** x·Φ(x), Φ the standard normal CDF (PyTorch's approximate='none'). */
    GELU(5, LayerName.of("gelu").option("approximate", "none"), null),
    /** x/2·(1 + tanh(√(2/π)(x + 0.044715x³))) (PyTorch's approximate='tanh'). */
    GELU_TANH(6, LayerName.of("gelu").option("approximate", "tanh"), null),
    /** x > 0 ? x : slope·x. */
    LEAKY_RELU(7, LayerName.of("leaky_relu"), new Parameter("slope", 0.01, false)),
    /** x > 0 ? x : alpha·(e^x - 1). */
    ELU(8, LayerName.of("elu"), new Parameter("alpha", 1.0, true)),
    /** x·σ(x), also called swish. */
    SILU(9, LayerName.of("silu", "swish"), null),
    /** log(1 + e^x), and x itself above 20 (PyTorch's beta = 1, threshold = 20). */
    SOFTPLUS(10, LayerName.of("softplus"), null);

    /**
     * How configs name an op used as a layer: its {@code type} and aliases, and, where one type
     * covers several ops (gelu), the option key and the value that selects this one; the first
     * op declared with a type is its default.
     *
     * @param type the layer type configs use
     * @param aliases other names of the type
     * @param optionKey the option that selects among the type's ops, or null
     * @param optionValue the option's value that selects this op, or null
     */
    public record LayerName(String type, List<String> aliases, String optionKey, String optionValue) {
        static LayerName of(String type, String... aliases) {
            return new LayerName(type, List.of(aliases), null, null);
        }

        LayerName option(String key, String value) {
            return new LayerName(type, aliases, key, value);
        }
    }

    /**
     * A parameter: its name in configs, its default (PyTorch's), and its range, which is x >= 0,
     * or x > 0 where {@code positive}; always finite.
     *
     * @param name the parameter's name in configs
     * @param defaultValue the default value, PyTorch's
     * @param positive whether the value must be > 0 rather than >= 0
     */
    public record Parameter(String name, double defaultValue, boolean positive) {
        /**
         * Why {@code value} is out of range, or null when it is fine.
         *
         * @param value the value to check
         * @return why value is out of range, or null when it is fine
         */
        public String problem(double value) {
            if (!Double.isFinite(value)) {
                return "must be a finite number, got " + value;
            }
            if (positive ? !(value > 0) : !(value >= 0)) {
                return positive ? "must be > 0" : "must be >= 0";
            }
            return null;
        }
    }

    private static final double SQRT1_2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double KAPPA = 0.044715;
    private static final double SOFTPLUS_THRESHOLD = 20;

    private final int code;
    private final LayerName layerName;
    private final Parameter parameter;

    UnaryOp(int code, LayerName layerName, Parameter parameter) {
        this.code = code;
        this.layerName = layerName;
        this.parameter = parameter;
    }

    /** {@return the integer naming this op in the CUDA kernels; fixed, unlike the ordinal} */
    public int code() {
        return code;
    }

    /**
     * {@return how configs name this op as a layer, or null when it is no activation layer (exp, log)}
     */
    public LayerName layerName() {
        return layerName;
    }

    /** {@return this op's parameter, or null when it has none} */
    public Parameter parameter() {
        return parameter;
    }

    /**
     * f(x) with parameter p (ignored by ops without one).
     *
     * @param x the input value
     * @param p the parameter's value
     * @return f(x)
     */
    public double apply(double x, double p) {
        return switch (this) {
            case RELU -> x > 0 ? x : 0;
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> Math.tanh(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            // erfc(-x/√2) = 1 + erf(x/√2) without its cancellation for negative x.
            case GELU -> 0.5 * x * Erf.erfc(-x * SQRT1_2);
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + KAPPA * (x * x * x))));
            case LEAKY_RELU -> x > 0 ? x : x * p;
            case ELU -> x > 0 ? x : p * Math.expm1(x);
            case SILU -> x / (1 + Math.exp(-x));
            case SOFTPLUS -> x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x));
        };
    }

    /**
     * f'(x) expressed with x and y = f(x), whichever is cheaper and stable, for parameter p.
     *
     * @param x the input value
     * @param y f(x)
     * @param p the parameter's value
     * @return f'(x)
     */
    public double derivative(double x, double y, double p) {
        return switch (this) {
            case RELU -> x > 0 ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case EXP -> y;
            case LOG -> 1 / x;
            case GELU -> 0.5 * Erf.erfc(-x * SQRT1_2) + x * (Math.exp(-0.5 * x * x) * INV_SQRT_2PI);
            case GELU_TANH -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (x + KAPPA * (x * x * x)));
                double inner = SQRT_2_OVER_PI * (1 + 3 * KAPPA * (x * x));
                yield 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner;
            }
            case LEAKY_RELU -> x > 0 ? 1 : p;
            case ELU -> x > 0 ? 1 : p * Math.exp(x);
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield s * (1 + x * (1 - s));
            }
            case SOFTPLUS -> {
                double z = Math.exp(x);
                yield x > SOFTPLUS_THRESHOLD ? 1 : z / (z + 1);
            }
        };
    }

    /**
     * {@return whether the derivative needs only the output, so that the input need not be kept}
     */
    public boolean backwardUsesOutput() {
        return switch (this) {
            case SIGMOID, TANH, EXP -> true;
            case RELU, LOG, GELU, GELU_TANH, LEAKY_RELU, ELU, SILU, SOFTPLUS -> false;
        };
    }
}
