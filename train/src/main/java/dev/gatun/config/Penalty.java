package dev.gatun.config;

/**
 * L1 and L2 penalty strengths (λ, see {@link dev.gatun.train.Regularization}): the config's
 * {@code regularization} section, or one layer's {@code l1}/{@code l2} override, where NaN means
 * "as the regularization section says".
 *
 * @param l1 the L1 strength λ₁, or NaN when unset
 * @param l2 the L2 strength λ₂, or NaN when unset
 */
public record Penalty(double l1, double l2) {
    /** No penalty. */
    public static final Penalty NONE = new Penalty(0, 0);

    /**
     * This override with the unset strengths taken from {@code global}.
     *
     * @param global the regularization section's strengths
     * @return the combined strengths
     */
    public Penalty orElse(Penalty global) {
        return new Penalty(Double.isNaN(l1) ? global.l1 : l1, Double.isNaN(l2) ? global.l2 : l2);
    }

    /** The {@code regularization} section: {@code {l1: 0, l2: 0}}. */
    static Penalty global(ConfigNode node) {
        node.allowKeys("l1", "l2");
        return new Penalty(node.nonNegative("l1", 0), node.nonNegative("l2", 0));
    }

    /** A layer's optional {@code l1}/{@code l2} keys. */
    static Penalty override(ConfigNode layer) {
        return new Penalty(layer.optionalNonNegative("l1"), layer.optionalNonNegative("l2"));
    }
}
