package dev.gatun.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds and loads the Fashion-MNIST data set (four IDX files, plain or gzipped).
 *
 * <p>Search order: the directory passed explicitly (e.g. {@code --data}), the system property
 * {@code gatun.data}, the environment variable {@code GATUN_DATA}, then {@link #DEFAULT_DIR}.
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The system property naming the data directory. */
    public static final String PROPERTY = "gatun.data";
    /** The environment variable naming the data directory. */
    public static final String ENV = "GATUN_DATA";

    /** The training images' file name, without {@code .gz}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The training labels' file name, without {@code .gz}. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The test images' file name, without {@code .gz}. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The test labels' file name, without {@code .gz}. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> STEMS = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** The number of classes. */
    public static final int CLASSES = 10;

    /** The class names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {}

    /**
     * The directory holding the data set.
     *
     * <p>An explicit directory that lacks the files is an error rather than a reason to fall
     * back, so a mistyped {@code --data} never silently trains on some other copy.
     *
     * @param explicitDirOrNull the directory the user named, or {@code null} to search
     * @return the directory
     * @throws FileNotFoundException listing the places searched and how to install the data
     */
    public static Path locate(Path explicitDirOrNull) throws FileNotFoundException {
        return locate(explicitDirOrNull, System.getProperty(PROPERTY), System.getenv(ENV), DEFAULT_DIR);
    }

    /** {@link #locate(Path)} with the property, environment and default spelled out, for tests. */
    static Path locate(Path explicitDirOrNull, String property, String env, Path defaultDir)
            throws FileNotFoundException {
        List<String> searched = new ArrayList<>();
        if (explicitDirOrNull != null) {
            String why = whyNot(explicitDirOrNull);
            if (why == null) {
                return explicitDirOrNull;
            }
            searched.add("--data " + explicitDirOrNull + ": " + why);
            throw notFound(searched);
        }
        if (isSet(property)) {
            Path dir = Path.of(property.trim());
            String why = whyNot(dir);
            if (why == null) {
                return dir;
            }
            searched.add("system property " + PROPERTY + "=" + dir + ": " + why);
        } else {
            searched.add("system property " + PROPERTY + ": not set");
        }
        if (isSet(env)) {
            Path dir = Path.of(env.trim());
            String why = whyNot(dir);
            if (why == null) {
                return dir;
            }
            searched.add("environment variable " + ENV + "=" + dir + ": " + why);
        } else {
            searched.add("environment variable " + ENV + ": not set");
        }
        String why = whyNot(defaultDir);
        if (why == null) {
            return defaultDir;
        }
        searched.add(defaultDir + ": " + why);
        throw notFound(searched);
    }

    /**
     * The file for {@code stem} in {@code dir}: {@code stem} itself or {@code stem.gz},
     * preferring the uncompressed one since it can be memory-mapped.
     *
     * @param dir the directory holding the IDX files
     * @param stem the file name without {@code .gz}
     * @return the file
     * @throws FileNotFoundException when neither the file nor its {@code .gz} exists
     */
    public static Path file(Path dir, String stem) throws FileNotFoundException {
        Path plain = dir.resolve(stem);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(stem + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new FileNotFoundException("neither " + plain + " nor " + gz + " exists");
    }

    /**
     * One half of the data set: images (N x rows x cols, ubyte) and their labels (N, ubyte, 0..9).
     *
     * @param images the image file, N × rows × cols unsigned bytes
     * @param labels the label file, N unsigned bytes in 0..9
     */
    public record Split(IdxFile images, IdxFile labels) {
        /** Checks that both files are given. */
        public Split {
            Objects.requireNonNull(images, "images");
            Objects.requireNonNull(labels, "labels");
        }

        /**
         * Loads and validates the training ({@code train}) or test split from {@code dir}.
         * The data lives in {@code arena}.
         *
         * @param dir the directory holding the IDX files
         * @param train true for the training split, false for the test split
         * @param arena the arena owning the data
         * @return the split
         * @throws IOException when a file is missing or malformed
         */
        public static Split load(Path dir, boolean train, Arena arena) throws IOException {
            IdxImages idx = IdxImages.load(file(dir, train ? TRAIN_IMAGES : TEST_IMAGES),
                    file(dir, train ? TRAIN_LABELS : TEST_LABELS), CLASSES, 0, false, arena);
            return new Split(idx.images(), idx.labels());
        }

        /** {@return the images and labels, as {@link ImageDataset} reads them} */
        public IdxImages asImages() {
            return new IdxImages(images, labels, CLASSES, 0, false);
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
         * The class (0..9) of example {@code index}.
         *
         * @param index the example's index
         * @return the class, 0..9
         */
        public int label(int index) {
            return labels.unsignedByte(index);
        }

        /**
         * The {@code rows * cols} pixel bytes (0..255) of example {@code index}.
         *
         * @param index the example's index
         * @return the pixel bytes
         */
        public MemorySegment image(int index) {
            return images.item(index);
        }
    }

    private static boolean isSet(String value) {
        // Maven leaves an undefined ${gatun.data} in surefire's systemPropertyVariables as is.
        return value != null && !value.isBlank() && !value.startsWith("${");
    }

    /** Why {@code dir} does not hold the data set, or {@code null} if it does. */
    private static String whyNot(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Files.exists(dir) ? "not a directory" : "does not exist";
        }
        List<String> missing = new ArrayList<>();
        for (String stem : STEMS) {
            if (!Files.isRegularFile(dir.resolve(stem)) && !Files.isRegularFile(dir.resolve(stem + ".gz"))) {
                missing.add(stem + "[.gz]");
            }
        }
        return missing.isEmpty() ? null : "missing " + String.join(", ", missing);
    }

    private static FileNotFoundException notFound(List<String> searched) {
        StringBuilder sb = new StringBuilder("Fashion-MNIST not found. Searched:");
        for (String s : searched) {
            sb.append("\n  ").append(s);
        }
        sb.append("\ninstall with `apt-get install dataset-fashion-mnist` (Debian) or download the four"
                + " IDX files of Fashion-MNIST and pass `--data DIR` (or set GATUN_DATA).");
        return new FileNotFoundException(sb.toString());
    }
}
