package dev.gatun.config;

import dev.gatun.data.Cifar;
import dev.gatun.data.CifarDataset;
import dev.gatun.data.CsvCache;
import dev.gatun.data.MappedFile;
import dev.gatun.data.CsvDataset;
import dev.gatun.data.Dataset;
import dev.gatun.data.Emnist;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.data.ImageFolder;
import dev.gatun.data.MappedCsv;
import dev.gatun.data.MinMaxScaler;
import dev.gatun.data.Mnist;
import dev.gatun.data.OneHot;
import dev.gatun.data.Splits;
import dev.gatun.data.Standardizer;
import dev.gatun.data.Subset;
import dev.gatun.data.Synthetic;
import dev.gatun.data.augment.Augmentation;
import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the data a {@link DataConfig} describes and prepares it: test part held out (for sources
 * without their own test set), validation part split off the training examples (stratified for
 * classes), then each preprocessing step fitted on the training part and applied to every part.
 * Splits are seeded from the experiment's seed, so a config always gets the same parts.
 */
public final class DataFactory {
    private DataFactory() {}

    /**
     * The experiment's data; image files are mapped into {@code scope}, which must outlive training.
     *
     * @param config the experiment
     * @param scope the scope image files are mapped into
     * @return the data, split and preprocessed
     * @throws IOException for a missing or malformed data file (the message names it)
     */
    public static ExperimentData load(ExperimentConfig config, Scope scope) throws IOException {
        return load(config, scope, null);
    }

    /**
     * Like {@link #load(ExperimentConfig, Scope)}, but with the preprocessing statistics of
     * {@code reuseOrNull} applied instead of fitting them on the training part: for a run that
     * starts from a trained model (its layers expect the inputs that model was trained on) and for
     * evaluating such a run on its own data. The config must list the same steps.
     *
     * @param config the experiment
     * @param scope the scope image files are mapped into
     * @param reuseOrNull the fitted preprocessing to apply, or null to fit the config's
     * @return the data, split and preprocessed
     * @throws ConfigException at {@code data.preprocessing} when its steps, or their sizes, differ from {@code reuseOrNull}'s
     * @throws IOException for a missing or malformed data file (the message names it)
     */
    public static ExperimentData load(ExperimentConfig config, Scope scope, FittedPreprocessing reuseOrNull)
            throws IOException {
        DataConfig d = config.data();
        long seed = config.seed();
        Dataset all;
        Dataset test = null;
        List<String> names = List.of();
        List<String> featureNames = List.of();
        switch (d.source()) {
            case DataConfig.FashionMnist f -> {
                int[] shape = config.exampleShapeOrNull();
                Path dir = FashionMnist.locate(f.dirOrNull());
                all = Subset.first(new ImageDataset(FashionMnist.Split.load(dir, true, scope.arena()), shape), f.limit());
                test = new ImageDataset(FashionMnist.Split.load(dir, false, scope.arena()), shape);
                names = FashionMnist.CLASS_NAMES;
            }
            case DataConfig.Mnist m -> {
                int[] shape = config.exampleShapeOrNull();
                if (m.dirOrNull() != null) {
                    MissingFile.requireField(m.dirOrNull(), "data.dir", "MNIST folder");
                }
                all = Subset.first(new ImageDataset(Mnist.load(mnistFile(m, 0), mnistFile(m, 1), scope.arena()), shape),
                        m.limit());
                test = new ImageDataset(Mnist.load(mnistFile(m, 2), mnistFile(m, 3), scope.arena()), shape);
                names = Mnist.CLASS_NAMES;
            }
            case DataConfig.Emnist e -> {
                MissingFile.requireField(e.dir(), "data.dir", "EMNIST folder");
                names = Emnist.classNames(Emnist.mappingFile(e.dir(), e.split()), e.split());
                all = Subset.first(standardPart(e, e.dir(), config.exampleShapeOrNull(), true, scope), e.limit());
                test = standardPart(e, e.dir(), config.exampleShapeOrNull(), false, scope);
            }
            case DataConfig.Cifar c -> {
                MissingFile.requireField(c.dir(), "data.dir", c.labels().title() + " folder");
                names = Cifar.classNames(c.dir(), c.labels());
                all = Subset.first(standardPart(c, c.dir(), config.exampleShapeOrNull(), true, scope), c.limit());
                test = standardPart(c, c.dir(), config.exampleShapeOrNull(), false, scope);
            }
            case DataConfig.Csv c -> {
                CsvDataset.Labels labels = switch (c.labels()) {
                    case "ids" -> CsvDataset.Labels.CLASS_IDS;
                    case "regression" -> CsvDataset.Labels.REGRESSION;
                    default -> CsvDataset.Labels.CLASS_NAMES;
                };
                MissingFile.requireField(c.path(), "data.path", "CSV file");
                if (c.testPathOrNull() != null) {
                    MissingFile.requireField(c.testPathOrNull(), "data.test_path", "CSV file");
                }
                CsvTable train = csv(c, c.path(), labels, null, scope);
                all = train.data();
                names = train.classNames();
                featureNames = train.featureNames();
                if (c.testPathOrNull() != null) {
                    test = csv(c, c.testPathOrNull(), labels,
                            labels == CsvDataset.Labels.CLASS_NAMES ? train.classNames() : null, scope).data();
                }
            }
            case DataConfig.Images i -> {
                ImageFolder.Options options = ImageFolder.Options.defaults().withChannels(i.channels());
                if (i.heightWidthOrNull() != null) {
                    options = options.resizedTo(i.heightWidthOrNull()[0], i.heightWidthOrNull()[1],
                            ImageFolder.Interpolation.BILINEAR);
                }
                MissingFile.requireField(i.path(), "data.path", "image folder");
                if (i.testPathOrNull() != null) {
                    MissingFile.requireField(i.testPathOrNull(), "data.test_path", "image folder");
                }
                ImageFolder train = ImageFolder.load(i.path(), options);
                all = train;
                names = train.classNames();
                if (i.testPathOrNull() != null) {
                    ImageFolder t = ImageFolder.load(i.testPathOrNull(), options);
                    if (!t.classNames().equals(train.classNames())) {
                        throw new ConfigException("data.test_path", i.testPathOrNull() + " has classes " + t.classNames()
                                + " but " + i.path() + " has " + train.classNames());
                    }
                    test = t;
                }
            }
            case DataConfig.Synthetic s -> all = synthetic(s, seed);
        }
        if (d.test() > 0) {
            Splits.TrainValidation parts = split(all, d.test(), seed + 1, d.classification(), "data.test");
            all = parts.train();
            test = parts.validation();
        }
        Dataset train = all;
        Dataset validation = null;
        if (config.training().folds() > 0) {
            // Cross-validation: the held-out fold is the validation part, data.validation is not used.
            Splits.TrainValidation parts = CrossValidationFolds.heldOut(all, names, config);
            train = parts.train();
            validation = parts.validation();
        } else if (d.validation() > 0) {
            Splits.TrainValidation parts = split(all, d.validation(), seed + 2, d.classification(), "data.validation");
            train = parts.train();
            validation = parts.validation();
        }
        int classes = train.classes();
        List<FittedPreprocessing.Step> fitted = new ArrayList<>();
        if (reuseOrNull != null) {
            checkReusable(d.preprocessing(), reuseOrNull, (int) Shape.checkedSize(train.featureShape()));
        }
        for (int k = 0; k < d.preprocessing().size(); k++) {
            String step = d.preprocessing().get(k);
            FittedPreprocessing.Step f = reuseOrNull != null ? reuseOrNull.steps().get(k) : switch (step) {
                case "standardize" -> new FittedPreprocessing.Standardize(Standardizer.fit(train));
                case "standardize_channels" -> new FittedPreprocessing.Standardize(perChannel(train));
                case "min_max" -> new FittedPreprocessing.MinMax(MinMaxScaler.fit(train));
                default -> new FittedPreprocessing.OneHotTargets();
            };
            fitted.add(f);
            train = f.apply(train);
            validation = validation == null ? null : f.apply(validation);
            test = test == null ? null : f.apply(test);
        }
        int[] example = train.featureShape();
        int[] input = config.model().inputOrNull();
        if (input != null && !Arrays.equals(input, example)) {
            throw new ConfigException("model.input", Shape.str(input) + " does not match the data set's examples, "
                    + Shape.str(example));
        }
        if (classes > 0 && names.isEmpty()) {
            List<String> numbers = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                numbers.add(Integer.toString(c));
            }
            names = numbers;
        }
        Augmentation augmentation = d.augmentation().buildOrNull();
        if (augmentation != null && example.length != 3) {
            throw new ConfigException("data.augmentation", "needs image examples [channels, height, width], got "
                    + Shape.str(example) + "; set model.input to the image shape");
        }
        return new ExperimentData(train, validation, test, example, classes, classes > 0 ? names : List.of(),
                new FittedPreprocessing(fitted), augmentation, featureNames);
    }

    /**
     * The training or test part of an EMNIST or CIFAR source read from {@code dir} under the
     * standard file names: the config's own {@code data.dir}, or another copy of the data a run is
     * evaluated on. Null for other sources.
     *
     * @param source the run's data source
     * @param dir the directory holding the files
     * @param shape the shape of one example
     * @param train the training part (else the test part)
     * @param scope the scope the files are mapped into
     * @return the examples, not preprocessed; null for a source of another kind
     * @throws IOException for a missing or malformed data file (the message names it)
     */
    static Dataset standardPart(DataConfig.Source source, Path dir, int[] shape, boolean train, Scope scope)
            throws IOException {
        return switch (source) {
            case DataConfig.Emnist e -> new ImageDataset(Emnist.load(dir, e.split(), train, scope.arena()), shape);
            case DataConfig.Cifar c -> new CifarDataset(Cifar.load(dir, c.labels(), train, scope.arena()), shape);
            default -> null;
        };
    }

    /** MNIST's file {@code index} (in {@link DataConfig#MNIST_FILES} order): its own path, or its standard name in the directory. */
    private static Path mnistFile(DataConfig.Mnist m, int index) throws IOException {
        Path own = m.filesOrNull().get(index);
        if (own != null) {
            MissingFile.requireField(own, "data." + DataConfig.MNIST_FILES.get(index), "MNIST file");
            return own;
        }
        String stem = List.of(FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES,
                FashionMnist.TEST_LABELS).get(index);
        return FashionMnist.file(m.dirOrNull(), stem);
    }

    /** Refuses a saved preprocessing whose steps are not the config's, or whose statistics do not fit the features. */
    private static void checkReusable(List<String> steps, FittedPreprocessing saved, int features) {
        List<String> savedSteps = new ArrayList<>();
        for (FittedPreprocessing.Step f : saved.steps()) {
            savedSteps.add(stepName(f));
        }
        // Per-channel statistics are saved spread over the features, as a per-feature standardizer's.
        List<String> listed = steps.stream().map(s -> s.equals("standardize_channels") ? "standardize" : s).toList();
        if (!savedSteps.equals(listed)) {
            throw new ConfigException("data.preprocessing", steps + " differs from " + savedSteps + ", the steps the "
                    + "model in init.from was trained with; its fitted statistics are reused, so list the same steps");
        }
        for (FittedPreprocessing.Step f : saved.steps()) {
            int n = switch (f) {
                case FittedPreprocessing.Standardize st -> st.standardizer().mean().length;
                case FittedPreprocessing.MinMax mm -> mm.scaler().min().length;
                case FittedPreprocessing.OneHotTargets oh -> features;
            };
            if (n != features) {
                throw new ConfigException("data.preprocessing", "the " + stepName(f) + " statistics of the model in "
                        + "init.from are for " + n + " features, but the data has " + features);
            }
        }
    }

    private static Standardizer perChannel(Dataset train) {
        try {
            return Standardizer.fitPerChannel(train);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("data.preprocessing", "standardize_channels: " + e.getMessage()
                    + "; set model.input to the image shape", e);
        }
    }

    private static String stepName(FittedPreprocessing.Step step) {
        return switch (step) {
            case FittedPreprocessing.Standardize st -> "standardize";
            case FittedPreprocessing.MinMax mm -> "min_max";
            case FittedPreprocessing.OneHotTargets oh -> "one_hot";
        };
    }

    /** A CSV file's examples, class names and feature names, however they were read. */
    private record CsvTable(Dataset data, List<String> classNames, List<String> featureNames) {}

    /**
     * Reads a CSV file into memory, or through its memory-mapped cache (data.cache: on, or auto
     * for a file of {@link CsvCache#AUTO_THRESHOLD} or more), numbering named classes as in
     * {@code classNamesOrNull} when given.
     */
    private static CsvTable csv(DataConfig.Csv c, Path file, CsvDataset.Labels labels, List<String> classNamesOrNull,
            Scope scope) throws IOException {
        boolean cached = switch (c.cache()) {
            case "on" -> true;
            case "off" -> false;
            default -> Files.size(file) >= CsvCache.AUTO_THRESHOLD;
        };
        if (cached) {
            Path dir = c.cacheDirOrNull() != null ? c.cacheDirOrNull() : CsvCache.defaultDirectory();
            MappedCsv m = CsvCache.load(file, c.label(), labels, classNamesOrNull, dir, scope.arena(),
                    MappedFile.defaultResidentBytes());
            return new CsvTable(m, m.classNames(), m.featureNames());
        }
        CsvDataset d = classNamesOrNull != null ? CsvDataset.load(file, c.label(), classNamesOrNull)
                : CsvDataset.load(file, c.label(), labels);
        return new CsvTable(d, d.classNames(), d.featureNames());
    }

    private static Dataset synthetic(DataConfig.Synthetic s, long seed) {
        long features = switch (s.kind()) {
            case "linear" -> s.features();
            case "polynomial" -> 1;
            default -> 2;
        };
        // The generator's heap arrays and then the data set's tensors: the features and a label
        // (or target) of every example, twice, checked before either is made.
        MemoryBudget.require("the synthetic " + s.kind() + " data set of " + s.n() + " examples",
                MemoryBudget.bytes(2L * Float.BYTES, s.n(), features + 1));
        return switch (s.kind()) {
            case "xor" -> Synthetic.xor(s.n(), s.noise(), seed);
            case "spirals" -> Synthetic.twoSpirals(s.n(), s.noise(), seed);
            case "moons" -> Synthetic.moons(s.n(), s.noise(), seed);
            case "circles" -> Synthetic.circles(s.n(), s.noise(), s.factor(), seed);
            case "blobs" -> Synthetic.blobs(s.n(), s.centers(), s.noise(), seed);
            case "linear" -> Synthetic.linearRegression(s.n(), s.features(), s.noise(), seed).data();
            default -> Synthetic.polynomialRegression(s.n(), s.degree(), s.noise(), seed).data();
        };
    }

    private static Splits.TrainValidation split(Dataset data, double fraction, long seed, boolean stratified,
            String path) {
        try {
            return Splits.trainValidation(data, fraction, seed, stratified);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage(), e);
        }
    }
}
