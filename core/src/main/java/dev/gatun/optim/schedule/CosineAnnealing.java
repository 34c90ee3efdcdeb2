package dev.gatun.optim.schedule;

/**
 * torch {@code CosineAnnealingLR}: {@code etaMin + (base − etaMin)(1 + cos(π·step/tMax))/2}.
 * Past {@code tMax} the cosine keeps going (back up to base at 2·tMax), as torch's does.
 *
 * @param base the initial rate, > 0
 * @param tMax the steps from base down to etaMin, > 0
 * @param etaMin the lowest rate, >= 0
 */
public record CosineAnnealing(double base, int tMax, double etaMin) implements LrSchedule {
    /** Checks the settings' ranges. */
    public CosineAnnealing {
        Checks.positive("base", base);
        Checks.positive("tMax", tMax);
        Checks.nonNegative("etaMin", etaMin);
    }

    @Override
    public double lr(int step) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * Checks.step(step) / tMax)) / 2;
    }
}
