package dev.gatun.cli;

import java.util.Locale;

/** The warning {@code predict} and {@code eval} end with when a model's outputs were NaN or infinite. */
final class NonFinite {
    private NonFinite() {}

    /** "3 of 200 predictions are not finite (the model output NaN or an infinity)". */
    static String sentence(int nonFinite, int count) {
        return String.format(Locale.ROOT, "%d of %d prediction%s %s not finite (the model output NaN or an infinity)",
                nonFinite, count, count == 1 ? "" : "s", nonFinite == 1 ? "is" : "are");
    }
}
