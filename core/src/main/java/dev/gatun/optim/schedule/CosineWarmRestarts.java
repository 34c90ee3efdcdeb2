package dev.gatun.optim.schedule;

/**
 * torch {@code CosineAnnealingWarmRestarts} (SGDR): cosine annealing from base to etaMin over a
 * period of {@code t0} steps, restarting at base; each period is {@code tMult} times the last.
 *
 * @param base the rate at the start of each period, > 0
 * @param t0 the first period's length in steps, > 0
 * @param tMult the factor each period grows by, > 0
 * @param etaMin the lowest rate, >= 0
 */
public record CosineWarmRestarts(double base, int t0, int tMult, double etaMin) implements LrSchedule {
    /** Checks the settings' ranges. */
    public CosineWarmRestarts {
        Checks.positive("base", base);
        Checks.positive("t0", t0);
        Checks.positive("tMult", tMult);
        Checks.nonNegative("etaMin", etaMin);
    }

    @Override
    public double lr(int step) {
        // Walk the periods in integers: torch's closed form via log() can misplace a restart by rounding.
        long tCur = Checks.step(step);
        long period = t0;
        if (tMult == 1) {
            tCur %= period; // constant periods: no need to walk them one by one
        }
        while (tCur >= period) {
            tCur -= period;
            period *= tMult;
        }
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * tCur / period)) / 2;
    }
}
