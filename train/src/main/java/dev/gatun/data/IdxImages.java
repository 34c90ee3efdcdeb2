package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Labelled gray images from a pair of IDX files, the layout of MNIST, Fashion-MNIST and EMNIST:
 * images N × rows × cols and labels N, both unsigned bytes. The files stay mapped (or inflated,
 * when gzipped) in the caller's arena; nothing is copied until a batch is filled. Mapped files
 * share one {@link MappedFile.Budget} of {@link MappedFile#defaultResidentBytes()}, which
 * {@link #pixels} and {@link #label} count what they read against.
 *
 * @param images the image file, N × rows × cols unsigned bytes
 * @param labels the label file, N unsigned bytes in {@code firstLabel .. firstLabel + classes - 1}
 * @param classes the number of classes
 * @param firstLabel the label of class 0 in the file: 0, or 1 for EMNIST letters
 * @param transposed whether each image is stored column by column (EMNIST), so that
 *     {@link #pixels} must transpose it back
 */
public record IdxImages(IdxFile images, IdxFile labels, int classes, int firstLabel, boolean transposed) {

    /** Checks the files' types and ranks, their counts, and the class range. */
    public IdxImages {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (classes < 1 || classes > 256 || firstLabel < 0 || firstLabel + classes > 256) {
            throw new IllegalArgumentException("classes " + classes + " from label " + firstLabel
                    + " do not fit unsigned byte labels");
        }
        if (images.type() != IdxType.UBYTE || images.rank() != 3) {
            throw new IllegalArgumentException(images.path() + ": expected 3-D UBYTE images (N x rows x cols), found "
                    + images.rank() + "-D " + images.type());
        }
    }

    /**
     * Reads and validates an image file and its label file: 3-D and 1-D unsigned bytes, as
     * many labels as images, every label in range (checked now, so training never meets one out
     * of range).
     *
     * @param imagesFile the image file, plain or gzipped
     * @param labelsFile the label file, plain or gzipped
     * @param classes the number of classes
     * @param firstLabel the label of class 0 in the file
     * @param transposed whether the images are stored column by column
     * @param arena the arena owning the data
     * @return the images and labels
     * @throws IdxFormatException naming the file that is missing or malformed
     */
    public static IdxImages load(Path imagesFile, Path labelsFile, int classes, int firstLabel, boolean transposed,
            Arena arena) throws IOException {
        MappedFile.Budget budget = MappedFile.Budget.ofDefault();
        IdxFile images = IdxFile.read(imagesFile, arena, budget);
        if (images.type() != IdxType.UBYTE || images.rank() != 3) {
            throw new IdxFormatException(images.path(), "expected 3-D UBYTE images (N x rows x cols), found "
                    + images.rank() + "-D " + images.type());
        }
        if (transposed && images.dim(1) != images.dim(2)) {
            throw new IdxFormatException(images.path(), "expected square images to transpose, found "
                    + images.dim(1) + "x" + images.dim(2));
        }
        IdxFile labels = IdxFile.read(labelsFile, arena, budget);
        if (labels.type() != IdxType.UBYTE || labels.rank() != 1) {
            throw new IdxFormatException(labels.path(), "expected 1-D UBYTE labels, found "
                    + labels.rank() + "-D " + labels.type());
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labels.path(), "holds " + labels.count() + " labels but "
                    + images.path() + " holds " + images.count() + " images");
        }
        MemorySegment data = labels.data();
        int last = firstLabel + classes - 1;
        for (long i = 0; i < data.byteSize(); i++) {
            int label = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
            if (label < firstLabel || label > last) {
                throw new IdxFormatException(labels.path(), "label " + i + " is " + label
                        + ", expected a class in " + firstLabel + ".." + last);
            }
        }
        labels.markRead(0, data.byteSize());
        return new IdxImages(images, labels, classes, firstLabel, transposed);
    }

    /** {@return the number of examples} */
    public int count() {
        return images.count();
    }

    /** {@return the image height in pixels} */
    public int rows() {
        return images.dim(1);
    }

    /** {@return the image width in pixels} */
    public int cols() {
        return images.dim(2);
    }

    /**
     * The class of example {@code index}, 0-based whatever the file's numbering.
     *
     * @param index the example's index
     * @return the class, {@code 0 .. classes - 1}
     */
    public int label(int index) {
        int label = labels.unsignedByte(index) - firstLabel;
        labels.markRead(index, 1);
        return label;
    }

    /**
     * Copies the pixels (0..255 as bytes) of example {@code index} into {@code out}, upright and
     * row by row: a transposed image is turned back.
     *
     * @param index the example's index
     * @param out receives rows × cols bytes
     */
    public void pixels(int index, byte[] out) {
        int n = rows() * cols();
        MemorySegment image = images.item(index);
        if (!transposed) {
            MemorySegment.copy(image, ValueLayout.JAVA_BYTE, 0, out, 0, n);
        } else {
            int side = rows();
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    out[r * side + c] = image.get(ValueLayout.JAVA_BYTE, (long) c * side + r);
                }
            }
        }
        images.markRead((long) index * n, n);
    }
}
