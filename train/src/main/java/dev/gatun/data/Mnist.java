package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST handwritten digits: four IDX files named as Fashion-MNIST's
 * ({@code train-images-idx3-ubyte} ... {@code t10k-labels-idx1-ubyte}, plain or gzipped), 28×28
 * gray images of the digits 0 to 9.
 */
public final class Mnist {
    /** The number of classes. */
    public static final int CLASSES = 10;

    /** The class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private Mnist() {}

    /**
     * Reads one split: an image file and its label file, labels 0..9.
     *
     * @param images the image file, plain or gzipped
     * @param labels the label file, plain or gzipped
     * @param arena the arena owning the data
     * @return the images and labels
     * @throws IOException when a file is missing or malformed (the message names it)
     */
    public static IdxImages load(Path images, Path labels, Arena arena) throws IOException {
        return IdxImages.load(images, labels, CLASSES, 0, false, arena);
    }
}
