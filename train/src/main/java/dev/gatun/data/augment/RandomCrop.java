package dev.gatun.data.augment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random crop of the image's own size from the image padded with {@code pad} zeros on every
 * side (torchvision RandomCrop(size = image size, padding = pad)): the same as shifting the
 * image by dy, dx drawn uniformly from -pad..pad and filling the uncovered pixels with zeros.
 *
 * @param pad zero padding on each side, in pixels (>= 0); 0 leaves the image as it is
 */
public record RandomCrop(int pad) implements Augmentation {
    /** Validates pad. */
    public RandomCrop {
        if (pad < 0) {
            throw new IllegalArgumentException("random crop: pad must be >= 0, got " + pad);
        }
    }

    @Override
    public void apply(float[] pixels, ImageShape shape, SplittableRandom random) {
        if (pad == 0) {
            return;
        }
        int dy = random.nextInt(2 * pad + 1) - pad;
        int dx = random.nextInt(2 * pad + 1) - pad;
        shift(pixels, shape, dy, dx);
    }

    /**
     * Moves the content of {@code pixels} [C, H, W] down by {@code dy} and right by {@code dx}
     * (negative: up, left) in place: out(y, x) = in(y - dy, x - dx), zero where that is outside.
     * A crop at (top, left) of the padded image is the shift dy = pad - top, dx = pad - left.
     *
     * @param pixels the image [C, H, W]
     * @param shape the image's shape
     * @param dy the rows to move down (negative: up)
     * @param dx the columns to move right (negative: left)
     */
    public static void shift(float[] pixels, ImageShape shape, int dy, int dx) {
        int h = shape.height();
        int w = shape.width();
        float[] source = pixels.clone();
        Arrays.fill(pixels, 0f);
        // Rows and columns of the output that land inside the source.
        int y0 = Math.max(0, dy);
        int y1 = Math.min(h, h + dy);
        int x0 = Math.max(0, dx);
        int x1 = Math.min(w, w + dx);
        if (y0 >= y1 || x0 >= x1) {
            return;
        }
        for (int c = 0; c < shape.channels(); c++) {
            int plane = c * h * w;
            for (int y = y0; y < y1; y++) {
                System.arraycopy(source, plane + (y - dy) * w + (x0 - dx), pixels, plane + y * w + x0, x1 - x0);
            }
        }
    }
}
