package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/** Erf against values computed to 40 digits (mpmath's erf and erfc), and its special values. */
class ErfTest {
    /** x, erf(x), erfc(x), each to 22 significant digits; erf(-x) = -erf(x), erfc(-x) = 2 - erfc(x). */
    private static final String[][] EXACT = {
        {"1e-300", "1.128379167095512573896e-300", "1.0"},
        {"1e-20", "1.128379167095512573896e-20", "9.999999999999999999887e-1"},
        {"1e-8", "1.128379167095512536284e-8", "9.999999887162083290449e-1"},
        {"0.001", "1.128378790969236379948e-3", "9.988716212090307636201e-1"},
        {"0.1", "1.124629160182848922033e-1", "8.875370839817151077967e-1"},
        {"0.25", "2.763263901682369329851e-1", "7.236736098317630670149e-1"},
        {"0.4", "4.283923550466684551036e-1", "5.716076449533315448964e-1"},
        {"0.46875", "4.926134732179379915882e-1", "5.073865267820620084118e-1"},
        {"0.46876", "4.926225311068465202155e-1", "5.073774688931534797845e-1"},
        {"0.5", "5.204998778130465376827e-1", "4.795001221869534623173e-1"},
        {"0.6", "6.038560908479259225626e-1", "3.961439091520740774374e-1"},
        {"0.75", "7.111556336535151315989e-1", "2.888443663464848684011e-1"},
        {"0.9", "7.969082124228321285187e-1", "2.030917875771678714813e-1"},
        {"1", "8.427007929497148693412e-1", "1.572992070502851306588e-1"},
        {"1.25", "9.229001282564582301365e-1", "7.709987174354176986348e-2"},
        {"1.5", "9.66105146475310727067e-1", "3.389485352468927293302e-2"},
        {"1.75", "9.866716712191824437722e-1", "1.332832878081755622779e-2"},
        {"2", "9.953222650189527341621e-1", "4.677734981047265837931e-3"},
        {"2.25", "9.985372834133188483021e-1", "1.462716586681151697911e-3"},
        {"2.5", "9.995930479825550410604e-1", "4.069520174449589395642e-4"},
        {"3", "9.999779095030014145586e-1", "2.209049699858544137278e-5"},
        {"3.5", "9.999992569016276585873e-1", "7.430983723414127455237e-7"},
        {"3.9", "9.999999652077514027683e-1", "3.479224859723174227831e-8"},
        {"4", "9.9999998458274209972e-1", "1.541725790028001885216e-8"},
        {"4.0625", "9.999999908210709751918e-1", "9.178929024808191371532e-9"},
        {"4.5", "9.999999998033839558457e-1", "1.966160441542887476279e-10"},
        {"5", "9.999999999984625402056e-1", "1.537459794428034850188e-12"},
        {"5.5", "9.999999999999926421521e-1", "7.357847917974398063068e-15"},
        {"6", "9.999999999999999784803e-1", "2.151973671249891311659e-17"},
        {"7", "1.0", "4.183825607779414398614e-23"},
        {"8", "1.0", "1.122429717298292707997e-29"},
        {"9", "1.0", "4.137031746513810238054e-37"},
        {"10", "1.0", "2.088487583762544757001e-45"},
        {"12", "1.0", "1.35626116920590421278e-64"},
        {"15", "1.0", "7.212994172451206666565e-100"},
        {"20", "1.0", "5.395865611607900928935e-176"},
        {"25", "1.0", "8.300172571196522752044e-274"},
        {"26.5", "1.0", "2.210907664263734275929e-307"},
    };

    /** The worst seen over 3,000 random points was 4.5 ulps (erfc near 3.9), from the final exps. */
    private static final double ULPS = 6;

    @Test
    void matchesHighPrecisionValues() {
        for (String[] row : EXACT) {
            double x = Double.parseDouble(row[0]);
            BigDecimal erf = new BigDecimal(row[1]);
            BigDecimal erfc = new BigDecimal(row[2]);
            assertUlps(erf, Erf.erf(x), "erf(" + row[0] + ")");
            assertUlps(erf.negate(), Erf.erf(-x), "erf(-" + row[0] + ")");
            assertUlps(erfc, Erf.erfc(x), "erfc(" + row[0] + ")");
            assertUlps(BigDecimal.TWO.subtract(erfc), Erf.erfc(-x), "erfc(-" + row[0] + ")");
        }
    }

    @Test
    void specialValues() {
        assertEquals(0.0, Erf.erf(0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Erf.erf(-0.0)), "erf(-0) = -0");
        assertEquals(1.0, Erf.erfc(0.0));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
        // erfc underflows past 26.55: subnormal, then 0 (the exact value is 5.2e-319 at 27).
        assertEquals(0.0, Erf.erfc(27), 1e-318);
        assertEquals(0.0, Erf.erfc(1e300));
    }

    @Test
    void monotoneAcrossTheIntervalBoundaries() {
        for (double edge : new double[] {0.46875, 4.0}) {
            double below = Math.nextDown(edge);
            double above = Math.nextUp(edge);
            assertTrue(Erf.erf(below) <= Erf.erf(edge) && Erf.erf(edge) <= Erf.erf(above), "erf at " + edge);
            assertTrue(Erf.erfc(below) >= Erf.erfc(edge) && Erf.erfc(edge) >= Erf.erfc(above), "erfc at " + edge);
        }
    }

    private static void assertUlps(BigDecimal exact, double actual, String what) {
        double nearest = exact.doubleValue();
        double error = exact.subtract(new BigDecimal(actual), MathContext.DECIMAL128).abs().doubleValue();
        double ulps = error / Math.ulp(nearest);
        assertTrue(ulps <= ULPS, what + " = " + actual + ", exact " + exact + ": " + ulps + " ulps off");
    }
}
