package dev.gatun.data.augment;

import java.util.SplittableRandom;

/**
 * Adds independent Gaussian noise N(0, std²) to every value of the image. Values are not
 * clipped, so the noise stays zero-mean on standardized as well as on [0, 1] features.
 *
 * @param std the noise's standard deviation (finite, >= 0); 0 leaves the image as it is
 */
public record GaussianNoise(double std) implements Augmentation {
    /** Validates std. */
    public GaussianNoise {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("gaussian noise: std must be a finite value >= 0, got " + std);
        }
    }

    @Override
    public void apply(float[] pixels, ImageShape shape, SplittableRandom random) {
        if (std == 0) {
            return; // adding 0·N would still turn -0.0 into 0.0
        }
        for (int i = 0; i < shape.size(); i++) {
            pixels[i] = (float) (pixels[i] + std * gaussian(random));
        }
    }

    // Box–Muller spelled out, as in Synthetic, so the noise is defined by this file and equal on every JDK.
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
