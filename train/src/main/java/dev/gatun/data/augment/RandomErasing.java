package dev.gatun.data.augment;

import java.util.SplittableRandom;

/**
 * With probability {@code p}, sets a random rectangle of the image to {@code value} in every
 * channel, with torchvision RandomErasing's semantics: up to 10 tries draw an area fraction
 * s ~ U(scaleMin, scaleMax) and a log-uniform aspect ratio r in [ratioMin, ratioMax], giving
 * h = round(√(s·H·W·r)), w = round(√(s·H·W/r)) (half to even, like Python); the first try with
 * h &lt; H and w &lt; W is placed uniformly at random, and when none fits the image is left alone.
 *
 * @param p        the probability of erasing, in [0, 1]
 * @param scaleMin smallest erased fraction of the image area, in [0, 1]
 * @param scaleMax largest erased fraction, in [scaleMin, 1]
 * @param ratioMin smallest aspect ratio (height / width), > 0
 * @param ratioMax largest aspect ratio, >= ratioMin
 * @param value    the value written into the rectangle (finite)
 */
public record RandomErasing(double p, double scaleMin, double scaleMax, double ratioMin, double ratioMax,
        float value) implements Augmentation {
    private static final int TRIES = 10;

    /**
     * A rectangle of an image: rows top..top+height-1, columns left..left+width-1.
     *
     * @param top the first row
     * @param left the first column
     * @param height the number of rows
     * @param width the number of columns
     */
    public record Region(int top, int left, int height, int width) {}

    /** Validates the options. */
    public RandomErasing {
        Probability.check("random erasing", "p", p);
        if (!(scaleMin >= 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("random erasing: scale range must satisfy 0 <= scaleMin <= scaleMax <= 1, "
                    + "got scaleMin " + scaleMin + ", scaleMax " + scaleMax);
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new IllegalArgumentException("random erasing: ratio range must satisfy 0 < ratioMin <= ratioMax "
                    + "(finite), got ratioMin " + ratioMin + ", ratioMax " + ratioMax);
        }
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("random erasing: value must be finite, got " + value);
        }
    }

    /**
     * torchvision's defaults: scale (0.02, 0.33), ratio (0.3, 3.3), value 0.
     *
     * @param p the probability of erasing, in [0, 1]
     * @return the augmentation
     */
    public static RandomErasing of(double p) {
        return new RandomErasing(p, 0.02, 0.33, 0.3, 3.3, 0f);
    }

    @Override
    public void apply(float[] pixels, ImageShape shape, SplittableRandom random) {
        if (!Probability.draw(random, p)) {
            return;
        }
        Region r = region(shape, random);
        if (r != null) {
            erase(pixels, shape, r, value);
        }
    }

    /**
     * The rectangle to erase, drawn as described above; null when no try fits.
     *
     * @param shape the image's shape
     * @param random the source of the random numbers
     * @return the region, or null
     */
    public Region region(ImageShape shape, SplittableRandom random) {
        int imageH = shape.height();
        int imageW = shape.width();
        double area = (double) imageH * imageW;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int t = 0; t < TRIES; t++) {
            double erased = area * uniform(random, scaleMin, scaleMax);
            double ratio = Math.exp(uniform(random, logMin, logMax));
            int h = (int) Math.rint(Math.sqrt(erased * ratio));
            int w = (int) Math.rint(Math.sqrt(erased / ratio));
            if (h < imageH && w < imageW) {
                int top = random.nextInt(imageH - h + 1);
                int left = random.nextInt(imageW - w + 1);
                return new Region(top, left, h, w);
            }
        }
        return null;
    }

    /**
     * Writes {@code value} into {@code region} of every channel of {@code pixels} [C, H, W].
     *
     * @param pixels the image [C, H, W]
     * @param shape the image's shape
     * @param region the rectangle
     * @param value the value written
     */
    public static void erase(float[] pixels, ImageShape shape, Region region, float value) {
        if (region.top() < 0 || region.left() < 0 || region.height() < 0 || region.width() < 0
                || region.top() + region.height() > shape.height() || region.left() + region.width() > shape.width()) {
            throw new IllegalArgumentException("random erasing: region " + region + " is outside the image " + shape);
        }
        int w = shape.width();
        for (int c = 0; c < shape.channels(); c++) {
            for (int y = region.top(); y < region.top() + region.height(); y++) {
                int at = (c * shape.height() + y) * w + region.left();
                java.util.Arrays.fill(pixels, at, at + region.width(), value);
            }
        }
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
