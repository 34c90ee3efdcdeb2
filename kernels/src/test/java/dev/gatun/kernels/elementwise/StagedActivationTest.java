package dev.gatun.kernels.elementwise;

import static dev.gatun.kernels.elementwise.Floats.F;
import static dev.gatun.kernels.elementwise.Floats.SIZES;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gatun.kernels.Erf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parametrised activations (GELU exact and tanh, leaky ReLU, ELU, SiLU, softplus): vector
 * kernels against their scalar twins bit for bit on odd sizes, offsets, special values and in
 * place (surefire runs this at every vector width), and both against the float64 formulas.
 */
class StagedActivationTest {
    private static final float[] SPECIAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 20f,
        Math.nextUp(20f), -0.35f, Math.nextDown(-0.35f), 88.8f, -88.8f, -104f, -110f, 1e-20f, -1e-20f, 9.5f, -9.5f,
        0.5f, 1e30f, -1e30f};

    /** An activation, its parameter, and its exact value and derivative in float64. */
    record Case(String name, StagedActivation kernel, float p, Formula f, Formula df, double ulps, double slackPerX) {
        @Override
        public String toString() {
            return name + "(p=" + p + ")";
        }
    }

    interface Formula {
        double at(double x, double p);
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    static Stream<Arguments> cases() {
        Formula gelu = (x, p) -> 0.5 * x * Erf.erfc(-x / Math.sqrt(2));
        Formula dGelu = (x, p) -> 0.5 * Erf.erfc(-x / Math.sqrt(2)) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
        Formula geluTanh = (x, p) -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
        Formula dGeluTanh = (x, p) -> {
            double t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        };
        Formula leaky = (x, p) -> x > 0 ? x : x * p;
        Formula dLeaky = (x, p) -> x > 0 ? 1 : p;
        Formula elu = (x, p) -> x > 0 ? x : p * Math.expm1(x);
        Formula dElu = (x, p) -> x > 0 ? 1 : p * Math.exp(x);
        Formula silu = (x, p) -> x / (1 + Math.exp(-x));
        Formula dSilu = (x, p) -> {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 + x * (1 - s));
        };
        Formula softplus = (x, p) -> x > 20 ? x : Math.log1p(Math.exp(x));
        Formula dSoftplus = (x, p) -> x > 20 ? 1 : 1 / (1 + Math.exp(-x));
        return Stream.of(
                new Case("gelu", Gelu.KERNEL, 0f, gelu, dGelu, 1, 0),
                // 1 + tanh(u) cancels for negative x, in PyTorch's formula as here.
                new Case("gelu_tanh", GeluTanh.KERNEL, 0f, geluTanh, dGeluTanh, 4, 1.2e-7),
                new Case("leaky_relu", LeakyRelu.KERNEL, 0.01f, leaky, dLeaky, 0.5, 0),
                new Case("leaky_relu", LeakyRelu.KERNEL, 0.2f, leaky, dLeaky, 0.5, 0),
                new Case("leaky_relu", LeakyRelu.KERNEL, 0f, leaky, dLeaky, 0.5, 0),
                new Case("elu", Elu.KERNEL, 1f, elu, dElu, 3, 0),
                new Case("elu", Elu.KERNEL, 0.3f, elu, dElu, 3, 0),
                new Case("elu", Elu.KERNEL, 2.5f, elu, dElu, 3, 0),
                new Case("silu", Silu.KERNEL, 0f, silu, dSilu, 4, 0),
                new Case("softplus", Softplus.KERNEL, 0f, softplus, dSoftplus, 4, 0)).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void forwardMatchesTwinBitForBit(Case c) {
        try (Arena arena = Arena.ofShared()) {
            for (float[] range : new float[][] {{-25f, 25f}, {-1e-3f, 1e-3f}, {-0.5f, 0.2f}, {19f, 21f}}) {
                for (long n : SIZES) {
                    MemorySegment x = Floats.random(arena, 3, n, n * 31 + 7, range[0], range[1]);
                    MemorySegment y = Floats.guards(arena, 1, n);
                    MemorySegment ref = Floats.guards(arena, 1, n);
                    c.kernel().forward(x, 3, y, 1, n, c.p());
                    c.kernel().forwardScalar(x, 3, ref, 1, n, c.p());
                    Floats.assertSameBits(ref, y, c + " forward n=" + n + " in " + range[0] + ".." + range[1]);
                }
            }
            MemorySegment x = special(arena);
            long n = x.byteSize() / Float.BYTES;
            MemorySegment y = Floats.guards(arena, 0, n);
            MemorySegment ref = Floats.guards(arena, 0, n);
            c.kernel().forward(x, 0, y, 0, n - Floats.PAD, c.p());
            c.kernel().forwardScalar(x, 0, ref, 0, n - Floats.PAD, c.p());
            Floats.assertSameBits(ref, y, c + " forward special values");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void backwardMatchesTwinBitForBit(Case c) {
        try (Arena arena = Arena.ofShared()) {
            for (long n : SIZES) {
                MemorySegment x = Floats.random(arena, 2, n, n + 3, -25f, 25f);
                MemorySegment dy = Floats.random(arena, 4, n, n + 5, -3f, 3f);
                MemorySegment dx = Floats.guards(arena, 6, n);
                MemorySegment ref = Floats.guards(arena, 6, n);
                c.kernel().backward(x, 2, dy, 4, dx, 6, n, c.p());
                c.kernel().backwardScalar(x, 2, dy, 4, ref, 6, n, c.p());
                Floats.assertSameBits(ref, dx, c + " backward n=" + n);
            }
            MemorySegment x = special(arena);
            long n = x.byteSize() / Float.BYTES - Floats.PAD;
            MemorySegment dy = Floats.random(arena, 0, n, 11, -2f, 2f);
            MemorySegment dx = Floats.guards(arena, 0, n);
            MemorySegment ref = Floats.guards(arena, 0, n);
            c.kernel().backward(x, 0, dy, 0, dx, 0, n, c.p());
            c.kernel().backwardScalar(x, 0, dy, 0, ref, 0, n, c.p());
            Floats.assertSameBits(ref, dx, c + " backward special values");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesTheFloat64Formulas(Case c) {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 20_000;
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            double span = i % 4 == 0 ? 1e-3 : i % 4 == 1 ? 1 : 30;
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * span);
            dy[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        float[] y = new float[n];
        float[] dx = new float[n];
        c.kernel().forward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, n, c.p());
        c.kernel().backward(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(dy), 0, MemorySegment.ofArray(dx), 0,
                n, c.p());
        for (int i = 0; i < n; i++) {
            double exact = c.f().at(x[i], c.p());
            double tol = c.ulps() * Math.ulp((float) exact) + c.slackPerX() * Math.abs(x[i]);
            if (!(Math.abs(y[i] - exact) <= tol)) {
                fail(c + " forward at x = " + x[i] + ": " + y[i] + ", exact " + exact);
            }
            // The derivative's terms cancel where it crosses 0 (SiLU near -1.28, GELU near -0.75),
            // so the bound is on the terms' scale, a few float roundings of dy·(1 + |x|).
            double dExact = dy[i] * c.df().at(x[i], c.p());
            double dTol = 8 * Math.ulp((float) dExact) + 1e-6 * Math.abs(dy[i]) * (1 + Math.abs(x[i]));
            if (!(Math.abs(dx[i] - dExact) <= dTol)) {
                fail(c + " backward at x = " + x[i] + ", dy = " + dy[i] + ": " + dx[i] + ", exact " + dExact);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void worksInPlace(Case c) {
        try (Arena arena = Arena.ofShared()) {
            long n = 4099;
            MemorySegment x = Floats.random(arena, 2, n, 77, -6f, 6f);
            MemorySegment ref = Floats.guards(arena, 2, n);
            c.kernel().forward(x, 2, ref, 2, n, c.p());
            MemorySegment dy = Floats.random(arena, 2, n, 78, -1f, 1f);
            MemorySegment dxRef = Floats.guards(arena, 2, n);
            c.kernel().backward(x, 2, dy, 2, dxRef, 2, n, c.p());
            c.kernel().backward(x, 2, dy, 2, dy, 2, n, c.p());
            Floats.assertSameBits(dxRef, dy, c + " backward in place");
            c.kernel().forward(x, 2, x, 2, n, c.p());
            Floats.assertSameBits(ref, x, c + " forward in place");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rejectsBadArguments(Case c) {
        MemorySegment s = MemorySegment.ofArray(new float[8]);
        assertThrows(IllegalArgumentException.class, () -> c.kernel().forward(s, 0, s, 1, 8, c.p()));
        assertThrows(IllegalArgumentException.class, () -> c.kernel().forwardScalar(s, 0, s, 0, -1, c.p()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.kernel().backward(s, 0, s, 1, s, 0, 8, c.p()));
        assertTrue(e.getMessage().startsWith("dy "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.kernel().backwardScalar(s, 0, s, 0, s, 4, 5, c.p()));
    }

    /** The special values three times over and 5 more, so some land in the vector body and some in the tail. */
    private static MemorySegment special(Arena arena) {
        int n = SPECIAL.length * 3 + 5;
        MemorySegment x = Floats.guards(arena, 0, n);
        for (int i = 0; i < n; i++) {
            x.setAtIndex(F, i, SPECIAL[i % SPECIAL.length]);
        }
        return x;
    }
}
