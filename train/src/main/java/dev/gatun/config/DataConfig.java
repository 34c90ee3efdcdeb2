package dev.gatun.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code data} section: where examples come from, how much goes to validation (a fraction of
 * the training examples, 0 for none) and to test (for sources without a test set of their own),
 * and the preprocessing steps fitted on the training part, in order. Paths are relative to the
 * working directory.
 *
 * @param source where the examples come from
 * @param validation the fraction of the training examples held out for validation, 0 for none
 * @param test the fraction held out for testing, for sources without a test set; 0 for none
 * @param preprocessing the preprocessing step names, in order
 * @param augmentation the image augmentations of training batches
 * @param prefetch how many batches the data loaders prepare ahead on a background thread; 0 for none
 */
public record DataConfig(Source source, double validation, double test, List<String> preprocessing,
                         AugmentationConfig augmentation, int prefetch) {
    /** The {@code source} values. */
    public static final List<String> SOURCES = List.of("fashion-mnist", "mnist", "emnist", "cifar10", "cifar100", "csv",
            "images", "synthetic");

    /** The keys naming MNIST's four files one by one, instead of by their standard names in {@code dir}. */
    public static final List<String> MNIST_FILES = List.of("train_images", "train_labels", "test_images", "test_labels");

    /** The {@code preprocessing} steps. */
    public static final List<String> PREPROCESSING = List.of("standardize", "standardize_channels", "min_max", "one_hot");

    /** The csv {@code cache} values: a binary cache from {@link dev.gatun.data.CsvCache#AUTO_THRESHOLD} on, always, never. */
    public static final List<String> CSV_CACHE = List.of("auto", "on", "off");

    /** The most batches {@code prefetch} may prepare ahead. */
    public static final int MAX_PREFETCH = 64;

    /** The synthetic {@code kind} values. */
    public static final List<String> SYNTHETIC = List.of("xor", "spirals", "moons", "circles", "blobs", "linear",
            "polynomial");

    /** Copies the list of preprocessing steps. */
    public DataConfig {
        preprocessing = List.copyOf(preprocessing);
    }

    /** Where the examples come from. */
    public sealed interface Source {}

    /**
     * Fashion-MNIST from {@code dir} (null: the usual places), the first {@code limit} training images (0: all).
     *
     * @param dirOrNull the directory of the IDX files, or null to search the usual places
     * @param limit the number of training images to use, 0 for all
     */
    public record FashionMnist(Path dirOrNull, int limit) implements Source {}

    /**
     * MNIST digits: each of the four IDX files at its own path, or else under its standard name
     * (plain or gzipped) in {@code dir}; the first {@code limit} training images (0: all).
     *
     * @param dirOrNull the directory of the files without their own path, or null when all have one
     * @param filesOrNull the paths of the training images, training labels, test images and test
     *     labels, in that order ({@link #MNIST_FILES}); null entries are looked for in the directory
     * @param limit the number of training images to use, 0 for all
     */
    public record Mnist(Path dirOrNull, List<Path> filesOrNull, int limit) implements Source {
        /** Copies the list of files, which may hold nulls. */
        public Mnist {
            filesOrNull = Collections.unmodifiableList(new ArrayList<>(filesOrNull));
        }
    }

    /**
     * An EMNIST split from {@code dir} (its standard file names), the first {@code limit} training images (0: all).
     *
     * @param dir the directory of the IDX and mapping files
     * @param split the split, one of {@link dev.gatun.data.Emnist.Split#names()}
     * @param limit the number of training images to use, 0 for all
     */
    public record Emnist(Path dir, dev.gatun.data.Emnist.Split split, int limit) implements Source {}

    /**
     * CIFAR-10 or CIFAR-100 (binary version) from {@code dir}, the first {@code limit} training images (0: all).
     *
     * @param dir the directory of the binary files and the class names
     * @param labels the data set, and for CIFAR-100 its fine or coarse labels
     * @param limit the number of training images to use, 0 for all
     */
    public record Cifar(Path dir, dev.gatun.data.Cifar.Labels labels, int limit) implements Source {}

    /**
     * A CSV file with a header; {@code labels} is ids, names or regression; an optional separate
     * test file; whether to read it through a memory-mapped binary cache, and where that lives.
     *
     * @param path the file or directory of the training data
     * @param label the name of the label column
     * @param labels how the label column reads: {@code ids}, {@code names} or {@code regression}
     * @param testPathOrNull a separate test file or directory, or null
     * @param cache one of {@link #CSV_CACHE}
     * @param cacheDirOrNull the folder of cache files, or null for {@link dev.gatun.data.CsvCache#defaultDirectory()}
     */
    public record Csv(Path path, String label, String labels, Path testPathOrNull, String cache, Path cacheDirOrNull)
            implements Source {}

    /**
     * A directory of labelled images, {@code path/<class>/*.png}; {@code channels} 0 keeps what
     * the files hold, {@code heightWidthOrNull} resizes (bilinear); an optional test directory.
     *
     * @param path the file or directory of the training data
     * @param testPathOrNull a separate test file or directory, or null
     * @param channels the channels to convert to, 1 or 3; 0 keeps what the files hold
     * @param heightWidthOrNull {height, width} to resize to (bilinear), or null to keep the size
     */
    public record Images(Path path, Path testPathOrNull, int channels, int[] heightWidthOrNull) implements Source {}

    /**
     * A generated data set of {@code n} examples (see {@link dev.gatun.data.Synthetic}).
     *
     * @param kind the generator, one of {@link #SYNTHETIC}
     * @param n the number of examples
     * @param noise the noise's standard deviation
     * @param factor the inner circle's radius relative to the outer one (circles)
     * @param centers the number of blobs (blobs)
     * @param features the input dimensions (linear)
     * @param degree the polynomial's degree (polynomial)
     */
    public record Synthetic(String kind, int n, double noise, double factor, int centers, int features, int degree)
            implements Source {}

    static DataConfig from(ConfigNode n) {
        String source = n.choice("source", null, SOURCES);
        List<String> common = List.of("source", "validation", "preprocessing", "augmentation", "prefetch");
        Source s;
        boolean ownTest;
        switch (source) {
            case "fashion-mnist" -> {
                n.allowKeys(keys(common, "dir", "limit", "test"));
                String dir = n.string("dir", null);
                s = new FashionMnist(dir == null ? null : Path.of(dir), n.nonNegativeInt("limit", 0));
                ownTest = true;
            }
            case "mnist" -> {
                n.allowKeys(keys(common, "dir", "train_images", "train_labels", "test_images", "test_labels", "limit",
                        "test"));
                String dir = n.string("dir", null);
                List<Path> files = new ArrayList<>();
                List<String> unnamed = new ArrayList<>();
                for (String key : MNIST_FILES) {
                    String file = n.string(key, null);
                    files.add(file == null ? null : Path.of(file));
                    if (file == null) {
                        unnamed.add(key);
                    }
                }
                if (dir == null && !unnamed.isEmpty()) {
                    throw n.error("dir", "needed to find " + String.join(", ", unnamed) + " (or give each file's path)");
                }
                s = new Mnist(dir == null ? null : Path.of(dir), files, n.nonNegativeInt("limit", 0));
                ownTest = true;
            }
            case "emnist" -> {
                n.allowKeys(keys(common, "dir", "split", "limit", "test"));
                String dir = n.string("dir");
                String split = n.choice("split", null, dev.gatun.data.Emnist.Split.names());
                s = new Emnist(Path.of(dir), dev.gatun.data.Emnist.Split.of(split), n.nonNegativeInt("limit", 0));
                ownTest = true;
            }
            case "cifar10", "cifar100" -> {
                boolean hundred = source.equals("cifar100");
                n.allowKeys(hundred ? keys(common, "dir", "labels", "limit", "test") : keys(common, "dir", "limit", "test"));
                String dir = n.string("dir");
                dev.gatun.data.Cifar.Labels labels = !hundred ? dev.gatun.data.Cifar.Labels.CIFAR10
                        : n.choice("labels", "fine", List.of("fine", "coarse")).equals("fine")
                                ? dev.gatun.data.Cifar.Labels.CIFAR100_FINE : dev.gatun.data.Cifar.Labels.CIFAR100_COARSE;
                s = new Cifar(Path.of(dir), labels, n.nonNegativeInt("limit", 0));
                ownTest = true;
            }
            case "csv" -> {
                n.allowKeys(keys(common, "path", "label", "labels", "test_path", "test", "cache", "cache_dir"));
                String path = n.string("path");
                String label = n.string("label");
                String labels = n.choice("labels", "names", List.of("ids", "names", "regression"));
                String testPath = n.string("test_path", null);
                String cache = n.choice("cache", "auto", CSV_CACHE);
                String cacheDir = n.string("cache_dir", null);
                s = new Csv(Path.of(path), label, labels, testPath == null ? null : Path.of(testPath), cache,
                        cacheDir == null ? null : Path.of(cacheDir));
                ownTest = testPath != null;
            }
            case "images" -> {
                n.allowKeys(keys(common, "path", "test_path", "channels", "size", "test"));
                String path = n.string("path");
                String testPath = n.string("test_path", null);
                int channels = n.nonNegativeInt("channels", 0);
                if (channels != 0 && channels != 1 && channels != 3) {
                    throw n.error("channels", "must be 1 (gray), 3 (colour) or 0 (as stored), got " + channels);
                }
                int[] size = n.has("size") ? n.ints("size", 2, null) : null;
                if (size != null && (size[0] < 1 || size[1] < 1)) {
                    throw n.error("size", "must be [height, width] with both > 0");
                }
                s = new Images(Path.of(path), testPath == null ? null : Path.of(testPath), channels, size);
                ownTest = testPath != null;
            }
            default -> {
                String kind = n.choice("kind", null, SYNTHETIC);
                List<String> own = switch (kind) {
                    case "circles" -> List.of("kind", "n", "noise", "factor", "test");
                    case "blobs" -> List.of("kind", "n", "noise", "centers", "test");
                    case "linear" -> List.of("kind", "n", "noise", "features", "test");
                    case "polynomial" -> List.of("kind", "n", "noise", "degree", "test");
                    default -> List.of("kind", "n", "noise", "test");
                };
                n.allowKeys(keys(common, own.toArray(String[]::new)));
                int count = n.positiveInt("n", 1000);
                int centers = kind.equals("blobs") ? n.positiveInt("centers", 3) : 3;
                // Each class needs an example; regression needs one.
                int fewest = switch (kind) {
                    case "blobs" -> centers;
                    case "linear", "polynomial" -> 1;
                    default -> 2;
                };
                if (count < fewest) {
                    throw n.error("n", "must be >= " + fewest + " for " + kind + ", got " + count);
                }
                double noise = n.nonNegative("noise", kind.equals("blobs") ? 1.0 : 0.1);
                double factor = kind.equals("circles") ? n.number("factor", 0.5) : 0.5;
                if (!(factor > 0 && factor < 1)) {
                    throw n.error("factor", "must be in (0, 1)");
                }
                s = new Synthetic(kind, count, noise, factor, centers,
                        kind.equals("linear") ? n.positiveInt("features", 1) : 1,
                        kind.equals("polynomial") ? n.nonNegativeInt("degree", 3) : 3);
                ownTest = false;
            }
        }
        double validation = n.number("validation", 0.1);
        if (!(validation >= 0 && validation < 1)) {
            throw n.error("validation", "must be in [0, 1)");
        }
        double test = 0;
        if (!ownTest) {
            test = n.number("test", 0.2);
            if (!(test >= 0 && test < 1)) {
                throw n.error("test", "must be in [0, 1)");
            }
        } else if (n.has("test")) {
            throw n.error("test", "the data set has its own test set");
        }
        List<String> steps = n.strings("preprocessing");
        for (int i = 0; i < steps.size(); i++) {
            if (!PREPROCESSING.contains(steps.get(i))) {
                throw new ConfigException(n.pathOf("preprocessing") + "[" + i + "]", "unknown '" + steps.get(i)
                        + "' (known: " + String.join(", ", PREPROCESSING) + ")");
            }
        }
        AugmentationConfig augmentation = AugmentationConfig.from(n.objects("augmentation"));
        if (!augmentation.isEmpty() && s instanceof Synthetic) {
            throw n.error("augmentation", "needs image examples; synthetic data sets are points");
        }
        int prefetch = n.nonNegativeInt("prefetch", 2);
        if (prefetch > MAX_PREFETCH) {
            throw n.error("prefetch", "must be at most " + MAX_PREFETCH + " batches, got " + prefetch);
        }
        return new DataConfig(s, validation, test, steps, augmentation, prefetch);
    }

    /** {@return whether the targets are class labels rather than regression values} */
    public boolean classification() {
        return switch (source) {
            case FashionMnist f -> true;
            case Mnist m -> true;
            case Emnist e -> true;
            case Cifar c -> true;
            case Csv c -> !c.labels().equals("regression");
            case Images i -> true;
            case Synthetic s -> !s.kind().equals("linear") && !s.kind().equals("polynomial");
        };
    }

    private static String[] keys(List<String> common, String... own) {
        String[] all = common.toArray(new String[common.size() + own.length]);
        System.arraycopy(own, 0, all, common.size(), own.length);
        return all;
    }
}
