package dev.gatun.kernels;

/**
 * The error function and its complement in double precision, which {@link Math} lacks: W. J.
 * Cody's rational Chebyshev approximations ("Rational Chebyshev approximation for the error
 * function", Math. Comp. 23, 1969; the coefficients of his CALERF). Against 40-digit values
 * (ErfTest, and a sweep of 3,000 points over [1e-8, 27]) erf is within 3 ulps and erfc within 5
 * ulps wherever the result is a normal double.
 *
 * <p>Three intervals of |x|: up to 0.46875 a rational function of x² gives erf directly; up to 4
 * and above, rational functions give erfc(|x|)·e^{x²}, and e^{-x²} is formed as
 * e^{-t²}·e^{-(|x| - t)(|x| + t)} with t = |x| rounded down to a multiple of 1/16, so t² is
 * exact and the large exponent loses nothing. erfc is computed directly, never as 1 - erf, so
 * its tail keeps full relative precision down to underflow (erfc(26.55) ≈ 1e-308 and below is 0).
 * NaN gives NaN; erf(±inf) = ±1, erfc(+inf) = 0, erfc(-inf) = 2.
 */
public final class Erf {
    private static final double THRESHOLD = 0.46875;
    // Above this erfc underflows to 0.
    private static final double ERFC_ZERO = 26.543;
    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;

    // erf(x) = x·A(x²)/B(x²) for |x| <= 0.46875.
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    // erfc(y)·e^{y²} = C(y)/D(y) for 0.46875 < y <= 4.
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    // erfc(y)·e^{y²} = (1/√π - P(1/y²)/Q(1/y²)/y²)/y for y > 4.
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private Erf() {}

    /**
     * erf(x) = 2/√π ∫₀ˣ e^{-t²} dt.
     *
     * @param x the argument
     * @return erf(x), in [-1, 1]
     */
    public static double erf(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return small(x);
        }
        // 1 - erfc, written as (0.5 - r) + 0.5 so the subtraction is exact where r is near 0.5.
        double r = (0.5 - erfcPositive(y)) + 0.5;
        return x < 0 ? -r : r;
    }

    /**
     * erfc(x) = 1 - erf(x), without the cancellation for large x.
     *
     * @param x the argument
     * @return erfc(x), in [0, 2]
     */
    public static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1 - small(x);
        }
        double r = erfcPositive(y);
        return x < 0 ? 2 - r : r;
    }

    // erf(x) for |x| <= THRESHOLD.
    private static double small(double x) {
        double z = x * x;
        double num = A[4] * z;
        double den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * z;
            den = (den + B[i]) * z;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    // erfc(y) for y > THRESHOLD (or NaN).
    private static double erfcPositive(double y) {
        if (Double.isNaN(y)) {
            return y;
        }
        if (y >= ERFC_ZERO) {
            return 0;
        }
        double scaled;
        if (y <= 4) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            scaled = (num + C[7]) / (den + D[7]);
        } else {
            double z = 1 / (y * y);
            double num = P[5] * z;
            double den = z;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * z;
                den = (den + Q[i]) * z;
            }
            scaled = (ONE_OVER_SQRT_PI - z * (num + P[4]) / (den + Q[4])) / y;
        }
        // e^{-y²} = e^{-t²}·e^{-(y - t)(y + t)}: t² is exact, so no rounding of y² is magnified.
        double t = Math.floor(y * 16) / 16;
        double del = (y - t) * (y + t);
        return Math.exp(-t * t) * Math.exp(-del) * scaled;
    }
}
