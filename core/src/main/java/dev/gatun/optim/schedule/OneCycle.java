package dev.gatun.optim.schedule;

/**
 * torch {@code OneCycleLR} with cosine annealing and {@code three_phase=false}: from
 * {@code maxLr/divFactor} up to maxLr until step {@code pctStart·totalSteps − 1}, then down to
 * {@code maxLr/(divFactor·finalDivFactor)} at step {@code totalSteps − 1}. Like torch, step
 * {@code totalSteps} is still allowed (it extrapolates past the end); later steps throw.
 *
 * @param maxLr the peak rate, > 0
 * @param totalSteps the length of the cycle in steps, > 0
 * @param pctStart the fraction of the cycle spent rising, in [0, 1]
 * @param divFactor the starting rate is maxLr / divFactor
 * @param finalDivFactor the final rate is the starting rate / finalDivFactor
 */
public record OneCycle(double maxLr, int totalSteps, double pctStart, double divFactor, double finalDivFactor)
        implements LrSchedule {
    /** Checks the settings' ranges and that neither phase is empty. */
    public OneCycle {
        Checks.positive("maxLr", maxLr);
        Checks.positive("totalSteps", totalSteps);
        if (!(pctStart >= 0 && pctStart <= 1)) {
            throw new IllegalArgumentException("pctStart must be in [0, 1], got " + pctStart);
        }
        Checks.positive("divFactor", divFactor);
        Checks.positive("finalDivFactor", finalDivFactor);
        // torch divides by each phase's length and fails at step time when one is zero; fail here instead.
        double upEnd = pctStart * totalSteps - 1;
        if (upEnd == 0 || upEnd == totalSteps - 1) {
            throw new IllegalArgumentException("pctStart·totalSteps − 1 must not be 0 or totalSteps − 1 (a zero-length phase), got "
                    + upEnd + " (pctStart " + pctStart + ", totalSteps " + totalSteps + ")");
        }
    }

    /**
     * torch's defaults: pctStart 0.3, divFactor 25, finalDivFactor 1e4.
     *
     * @param maxLr the peak rate, > 0
     * @param totalSteps the length of the cycle in steps, > 0
     */
    public OneCycle(double maxLr, int totalSteps) {
        this(maxLr, totalSteps, 0.3, 25, 1e4);
    }

    @Override
    public double lr(int step) {
        if (Checks.step(step) > totalSteps) {
            throw new IllegalArgumentException("step must be <= totalSteps (" + totalSteps + "), got " + step);
        }
        double initial = maxLr / divFactor;
        double min = initial / finalDivFactor;
        double upEnd = pctStart * totalSteps - 1;
        // Like torch, a negative upEnd (tiny pctStart) skips the warm-up phase.
        if (step <= upEnd) {
            return anneal(initial, maxLr, step / upEnd);
        }
        return anneal(maxLr, min, (step - upEnd) / (totalSteps - 1 - upEnd));
    }

    private static double anneal(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}
