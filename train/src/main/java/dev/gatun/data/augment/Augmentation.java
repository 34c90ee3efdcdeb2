package dev.gatun.data.augment;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random transform of one training image, applied in place to its float32 pixels [C, H, W]
 * (row-major). All its randomness is drawn from the generator it is given, which
 * {@link #applyToBatch} derives from (seed, epoch, example) alone: replaying an epoch, for
 * instance after resuming from a checkpoint, gives bit-identical images.
 */
@FunctionalInterface
public interface Augmentation {
    /**
     * Transforms one image in place, drawing any random numbers from {@code random}.
     *
     * @param pixels the image [C, H, W], changed in place
     * @param shape the image's shape
     * @param random the source of the random numbers
     */
    void apply(float[] pixels, ImageShape shape, SplittableRandom random);

    /**
     * Applies this augmentation to every image of a batch of features float32 [B, C, H, W]; image i
     * is example {@code examples[from + i]} of the data set and gets {@link SampleRandom#of}(seed,
     * epoch, that example).
     *
     * @param features the batch float32 [B, C, H, W], changed in place
     * @param seed the augmentation seed
     * @param epoch the epoch, as the data loader numbers it
     * @param examples the data set indices of the epoch's order
     * @param from the position in examples of the batch's first image
     */
    default void applyToBatch(Tensor features, long seed, int epoch, int[] examples, int from) {
        int[] s = features.shape();
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous() || s.length != 4) {
            throw new IllegalArgumentException("augmentation needs contiguous float32 images [batch, channels, height, "
                    + "width], got " + features.describe());
        }
        ImageShape shape = new ImageShape(s[1], s[2], s[3]);
        if (from < 0 || (long) from + s[0] > examples.length) {
            throw new IllegalArgumentException("augmentation: examples " + from + ".." + (from + s[0])
                    + " are outside an order of " + examples.length + " examples (batch " + Arrays.toString(s) + ")");
        }
        MemorySegment seg = features.segment();
        float[] image = new float[shape.size()];
        for (int i = 0; i < s[0]; i++) {
            long at = (features.offset() + (long) i * image.length) * Float.BYTES;
            MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT_UNALIGNED, at, image, 0, image.length);
            apply(image, shape, SampleRandom.of(seed, epoch, examples[from + i]));
            MemorySegment.copy(image, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, at, image.length);
        }
    }
}
