package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntUnaryOperator;
import java.util.function.ObjIntConsumer;

/**
 * Fills a batch from images of unsigned bytes with class labels, as the mapped data sets
 * ({@link ImageDataset}, {@link CifarDataset}) serve them: pixels scaled to [0, 1] by byte / 255,
 * as {@link ImageFolder} and torchvision's ToTensor do, bit for bit.
 */
final class ByteImageBatch {
    private ByteImageBatch() {}

    /**
     * Copies examples {@code indices[from .. from+count)} into {@code features} and {@code labels}.
     *
     * @param pixels the bytes of one image
     * @param pixelsOf writes example {@code index}'s bytes into the array it is given
     * @param labelOf the class of example {@code index}
     * @param indices the example indices to read from
     * @param from the first position in indices
     * @param count the number of examples
     * @param features receives the pixels, contiguous float32 with count × pixels elements
     * @param labels receives the classes, contiguous int32 [count]
     */
    static void fill(int pixels, ObjIntConsumer<byte[]> pixelsOf, IntUnaryOperator labelOf, int[] indices, int from,
            int count, Tensor features, Tensor labels) {
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous() || features.size() != (long) count * pixels) {
            throw new IllegalArgumentException("features must be contiguous float32 with " + count + "×" + pixels
                    + " elements, got " + features.describe());
        }
        if (labels.dtype() != DType.INT32 || labels.size() != count || !labels.isContiguous()) {
            throw new IllegalArgumentException("labels must be int32 [" + count + "], got " + labels.describe());
        }
        MemorySegment out = features.segment();
        MemorySegment lab = labels.segment();
        long base = features.offset();
        byte[] row = new byte[pixels];
        for (int i = 0; i < count; i++) {
            int idx = indices[from + i];
            pixelsOf.accept(row, idx);
            long o = base + (long) i * pixels;
            for (int p = 0; p < pixels; p++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, o + p, PixelLevels.unit(row[p]));
            }
            lab.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + i, labelOf.applyAsInt(idx));
        }
    }
}
