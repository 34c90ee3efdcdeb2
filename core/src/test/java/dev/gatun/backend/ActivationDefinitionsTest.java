package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activations in float64 on the scalar and cpu backends against PyTorch's definitions,
 * written here from the formulas, to 1e-12 (relative above 1, absolute below): GELU's erf by its
 * Taylor series in 60-digit decimal arithmetic (independent of the Cody approximation the
 * backends use), the rest with java.lang.Math. Values and derivatives (through unaryBackward with
 * dy = 1), with the parameters honoured.
 */
class ActivationDefinitionsTest {
    private static final double TOL = 1e-12;
    private static final MathContext MC = new MathContext(60);
    private static final BigDecimal PI = new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494");
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final Backend[] BACKENDS = {new ScalarBackend(), new CpuBackend()};

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("activation definitions");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** Points in [-6, 6], both signs, with 0, tiny values and PyTorch's softplus threshold. */
    private static double[] points() {
        double[] fixed = {0, 1e-9, -1e-9, 0.5, -0.5, -0.75, 1, -1, 3, -3, 5.99, -5.99, 19.5, 20, 20.5, -20.5};
        double[] x = new double[fixed.length + 97];
        System.arraycopy(fixed, 0, x, 0, fixed.length);
        for (int i = 0; i < 97; i++) {
            x[fixed.length + i] = -6 + 12.0 * i / 96 + 1e-3;
        }
        return x;
    }

    /**
     * erf(x) by its Taylor series, 2/√π Σ (-1)^n x^(2n+1) / (n!·(2n+1)), in 60 digits more than
     * the terms' cancellation costs (the largest term is about e^{x²}).
     */
    static BigDecimal erf(BigDecimal x) {
        MathContext mc = new MathContext(60 + (int) (x.doubleValue() * x.doubleValue() / Math.log(10)));
        BigDecimal x2 = x.multiply(x, mc);
        BigDecimal power = x; // (-1)^n x^(2n+1) / n!
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal eps = new BigDecimal("1e-45");
        for (int n = 0; n < 5000; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), mc);
            sum = sum.add(term, mc);
            if (term.abs().compareTo(eps) < 0 && n > 4) {
                return sum.multiply(BigDecimal.TWO, MC).divide(PI.sqrt(MC), MC);
            }
            power = power.multiply(x2, mc).divide(BigDecimal.valueOf(-(n + 1L)), mc);
        }
        throw new AssertionError("erf series did not converge for " + x);
    }

    /** Φ(x) = (1 + erf(x/√2))/2. */
    private static double phiCdf(double x) {
        BigDecimal arg = new BigDecimal(x).divide(BigDecimal.TWO.sqrt(MC), MC);
        return BigDecimal.ONE.add(erf(arg), MC).divide(BigDecimal.TWO, MC).doubleValue();
    }

    @Test
    void theErfSeriesItselfMatchesKnownValues() {
        // A&S table 7.1 values, to 15 digits.
        assertEquals(0.842700792949715, erf(BigDecimal.ONE).doubleValue(), 1e-15);
        assertEquals(0.999977909503001, erf(new BigDecimal(3)).doubleValue(), 1e-15);
        assertEquals(-0.520499877813047, erf(new BigDecimal("-0.5")).doubleValue(), 1e-15);
    }

    @Test
    void gelu() {
        check(UnaryFn.of(UnaryOp.GELU), x -> x * phiCdf(x),
                x -> phiCdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
    }

    @Test
    void geluTanh() {
        check(UnaryFn.of(UnaryOp.GELU_TANH), x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
                x -> {
                    double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
                    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
                });
    }

    @Test
    void leakyReluWithItsSlope() {
        for (double slope : new double[] {0.01, 0.2, 0, 3}) {
            check(UnaryFn.of(UnaryOp.LEAKY_RELU, slope), x -> x > 0 ? x : slope * x, x -> x > 0 ? 1 : slope);
        }
        assertEquals(0.01, UnaryFn.of(UnaryOp.LEAKY_RELU).parameter(), "PyTorch's default negative_slope");
    }

    @Test
    void eluWithItsAlpha() {
        for (double alpha : new double[] {1, 0.5, 2.5}) {
            check(UnaryFn.of(UnaryOp.ELU, alpha), x -> x > 0 ? x : alpha * Math.expm1(x),
                    x -> x > 0 ? 1 : alpha * Math.exp(x));
        }
        assertEquals(1.0, UnaryFn.of(UnaryOp.ELU).parameter(), "PyTorch's default alpha");
    }

    @Test
    void silu() {
        check(UnaryFn.of(UnaryOp.SILU), x -> x / (1 + Math.exp(-x)), x -> {
            double s = 1 / (1 + Math.exp(-x));
            return s + x * s * (1 - s);
        });
    }

    @Test
    void softplusIsLinearAboveTwenty() {
        check(UnaryFn.of(UnaryOp.SOFTPLUS), x -> x > 20 ? x : Math.log(1 + Math.exp(x)),
                x -> x > 20 ? 1 : Math.exp(x) / (1 + Math.exp(x)));
        for (Backend be : BACKENDS) {
            Tensor x = Tensor.of(new double[] {20.5, 30, 1e6}, 3);
            Tensor y = Tensor.zeros(DType.FLOAT64, 3);
            be.unary(UnaryFn.of(UnaryOp.SOFTPLUS), x, y);
            for (int i = 0; i < 3; i++) {
                assertEquals(x.getFlat(i), y.getFlat(i), 0.0, "softplus above the threshold is x itself");
            }
        }
    }

    @Test
    void parametersAreRangeChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UnaryFn.of(UnaryOp.LEAKY_RELU, -0.1));
        assertEquals("leaky_relu slope: must be >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnaryFn.of(UnaryOp.ELU, 0));
        assertEquals("elu alpha: must be > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnaryFn.of(UnaryOp.ELU, Double.NaN));
        assertEquals("elu alpha: must be a finite number, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UnaryFn.of(UnaryOp.RELU, 0.5));
        assertEquals("relu takes no parameter, got 0.5", e.getMessage());
        assertEquals("leaky_relu(slope=0.2)", UnaryFn.of(UnaryOp.LEAKY_RELU, 0.2).toString());
    }

    private void check(UnaryFn f, DoubleUnaryOperator value, DoubleUnaryOperator derivative) {
        double[] xs = points();
        Tensor x = Tensor.of(xs, xs.length);
        Tensor ones = Tensor.ones(DType.FLOAT64, xs.length);
        for (Backend be : BACKENDS) {
            Tensor y = Tensor.zeros(DType.FLOAT64, xs.length);
            Tensor dx = Tensor.zeros(DType.FLOAT64, xs.length);
            be.unary(f, x, y);
            be.unaryBackward(f, x, y, ones, dx);
            for (int i = 0; i < xs.length; i++) {
                near(value.applyAsDouble(xs[i]), y.getFlat(i), be.name() + " " + f + " at " + xs[i]);
                near(derivative.applyAsDouble(xs[i]), dx.getFlat(i), be.name() + " " + f + "' at " + xs[i]);
            }
        }
    }

    private static void near(double expected, double actual, String what) {
        assertTrue(Double.isFinite(expected), what + ": reference is " + expected);
        if (!(Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)))) {
            fail(what + ": " + actual + ", PyTorch's definition gives " + expected);
        }
    }
}
