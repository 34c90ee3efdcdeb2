package dev.gatun.data.augment;

import java.util.SplittableRandom;

/**
 * Mirrors the image left to right with probability {@code p} (torchvision RandomHorizontalFlip).
 *
 * @param p the probability of flipping, in [0, 1]
 */
public record HorizontalFlip(double p) implements Augmentation {
    /** Validates p. */
    public HorizontalFlip {
        Probability.check("horizontal flip", "p", p);
    }

    @Override
    public void apply(float[] pixels, ImageShape shape, SplittableRandom random) {
        if (Probability.draw(random, p)) {
            flip(pixels, shape);
        }
    }

    /**
     * Reverses every row of every channel of {@code pixels} [C, H, W] in place.
     *
     * @param pixels the image [C, H, W]
     * @param shape the image's shape
     */
    public static void flip(float[] pixels, ImageShape shape) {
        int w = shape.width();
        for (int row = 0; row < shape.channels() * shape.height(); row++) {
            int lo = row * w;
            int hi = lo + w - 1;
            while (lo < hi) {
                float t = pixels[lo];
                pixels[lo++] = pixels[hi];
                pixels[hi--] = t;
            }
        }
    }
}
