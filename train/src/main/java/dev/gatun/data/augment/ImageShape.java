package dev.gatun.data.augment;

import java.util.Arrays;

/**
 * The shape of one image, [channels, height, width], as augmentations see it.
 *
 * @param channels colour channels (> 0)
 * @param height   rows (> 0)
 * @param width    columns (> 0)
 */
public record ImageShape(int channels, int height, int width) {
    /** Validates the sizes. */
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape: channels, height and width must be > 0, got ["
                    + channels + ", " + height + ", " + width + "]");
        }
        Math.multiplyExact(Math.multiplyExact(channels, height), width);
    }

    /**
     * The image shape of a data set's examples, which must be [C, H, W].
     *
     * @param featureShape the example shape [C, H, W]
     * @return the image shape
     */
    public static ImageShape of(int[] featureShape) {
        if (featureShape.length != 3) {
            throw new IllegalArgumentException("augmentation needs image examples of shape [channels, height, width], "
                    + "got " + Arrays.toString(featureShape) + "; give the data set a feature shape such as [1, 28, 28]");
        }
        return new ImageShape(featureShape[0], featureShape[1], featureShape[2]);
    }

    /** {@return the values per image: channels × height × width} */
    public int size() {
        return channels * height * width;
    }

    /** {@return the pixels per channel plane: height × width} */
    public int plane() {
        return height * width;
    }
}
