package dev.gatun.optim.schedule;

/**
 * torch {@code CosineAnnealingWarmRestarts} (SGDR): cosine annealing from base to etaMin over a
 * period of {@code t0} steps, restarting at base; each period is {@code tMult} times the last.
 */
public record CosineWarmRestarts(double base, int t0, int tMult, double etaMin) implements LrSchedule {
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
