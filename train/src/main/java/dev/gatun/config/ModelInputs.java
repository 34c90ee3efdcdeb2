package dev.gatun.config;

import dev.gatun.data.Cifar;
import dev.gatun.data.CsvDataset;
import dev.gatun.data.Dataset;
import dev.gatun.data.Emnist;
import dev.gatun.data.FashionMnist;
import dev.gatun.data.ImageDataset;
import dev.gatun.data.ImageFolder;
import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.Utf8Text;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Shape;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Data for a {@link TrainedModel} from outside its run: the examples {@code gatun eval} scores
 * and {@code gatun predict} labels, read as the model's training data was (same image channels
 * and size, same label numbering) and then put through the preprocessing fitted in training.
 */
public final class ModelInputs {
    private ModelInputs() {}

    /**
     * Labelled examples to evaluate: {@code source} is a CSV file (with the label column
     * {@code labelColumnOrNull}, else the config's, else {@code label}), a folder of the four
     * Fashion-MNIST (or MNIST) IDX files (its test split), for a run of EMNIST or CIFAR a folder of
     * that data set's files (its test part), or a folder of class folders of images. With
     * {@code source} null, the run's own test part (or validation part) is used. Images are
     * mapped into the innermost open {@link Scope}.
     *
     * @param model the trained model
     * @param sourceOrNull a CSV file, a Fashion-MNIST, MNIST, EMNIST or CIFAR folder or an image
     *     folder; null for the run's own data
     * @param labelColumnOrNull the label column's name, or null
     * @return the examples, preprocessed as the model was trained
     * @throws IllegalArgumentException when the data does not fit the model (shape, classes)
     * @throws IOException when the input cannot be read
     */
    public static Dataset labelled(TrainedModel model, Path sourceOrNull, String labelColumnOrNull) throws IOException {
        ModelCard card = model.card();
        if (sourceOrNull == null) {
            // The saved statistics, not a refit: a fine-tuned run's came from its init model, and an
            // imported model's (gatun import) from its ONNX file, not from this data.
            ExperimentData data = DataFactory.load(model.config(), Scope.current(), card.preprocessing());
            if (data.testOrNull() != null) {
                return data.testOrNull();
            }
            if (data.validationOrNull() != null) {
                return data.validationOrNull();
            }
            throw new IllegalArgumentException("the run of " + model.config().name() + " kept no test or validation "
                    + "examples; name the data to evaluate on (--data)");
        }
        MissingFile.require(sourceOrNull, "data file or folder");
        Dataset raw;
        if (isCsv(sourceOrNull)) {
            String label = labelColumnOrNull != null ? labelColumnOrNull
                    : model.config().data().source() instanceof DataConfig.Csv c ? c.label() : "label";
            raw = card.classification()
                    ? (numbered(card.classNames()) ? CsvDataset.load(sourceOrNull, label, card.classNames().size())
                            : CsvDataset.load(sourceOrNull, label, card.classNames()))
                    : CsvDataset.load(sourceOrNull, label, CsvDataset.Labels.REGRESSION);
        } else if (holdsTestPart(model.config().data().source(), sourceOrNull)) {
            raw = DataFactory.standardPart(model.config().data().source(), sourceOrNull, card.input(), false,
                    Scope.current());
        } else if (isFashionMnist(sourceOrNull)) {
            raw = new ImageDataset(FashionMnist.Split.load(sourceOrNull, false, Scope.current().arena()), card.input());
        } else {
            ImageFolder images = ImageFolder.load(sourceOrNull, imageOptions(model));
            if (!images.classNames().equals(card.classNames())) {
                throw new IllegalArgumentException(sourceOrNull + " has classes " + images.classNames()
                        + " but the model was trained on " + card.classNames());
            }
            raw = images;
        }
        if (card.classification() && raw.classes() > card.classNames().size()) {
            throw new IllegalArgumentException(sourceOrNull + " has " + raw.classes() + " classes but the model knows "
                    + card.classNames().size() + ": " + card.classNames());
        }
        return card.preprocessing().apply(fitted(raw, card, sourceOrNull));
    }

    /**
     * Examples to predict, in the model's input form, each with a name for the output (file or row).
     *
     * @param data the examples, in the model's input form
     * @param names one name per example
     */
    public record Unlabelled(Dataset data, List<String> names) {
        /** Copies the names and checks there is one per example. */
        public Unlabelled {
            names = List.copyOf(names);
            if (names.size() != data.size()) {
                throw new IllegalArgumentException(names.size() + " names for " + data.size() + " examples");
            }
        }
    }

    /**
     * Unlabelled examples to predict: {@code input} is a CSV file of feature columns (a column
     * named {@code labelColumnOrNull}, if given and present, is ignored), one image file, or a
     * folder of image files, taken in name order. Images are named by file, CSV rows by their
     * 1-based data row.
     *
     * @param model the trained model
     * @param input a CSV file, an image file or a folder of image files
     * @param labelColumnOrNull the label column's name, or null
     * @return the examples and their names
     * @throws IOException when the input cannot be read
     */
    public static Unlabelled unlabelled(TrainedModel model, Path input, String labelColumnOrNull) throws IOException {
        // Before guessing the kind by extension: a missing CSV is not "no such image file".
        MissingFile.require(input, "input file or folder");
        Dataset raw;
        List<String> names = new ArrayList<>();
        if (isCsv(input)) {
            raw = hasColumn(input, labelColumnOrNull)
                    ? CsvDataset.load(input, labelColumnOrNull, CsvDataset.Labels.CLASS_NAMES)
                    : CsvDataset.load(input, null, CsvDataset.Labels.NONE);
            for (int i = 1; i <= raw.size(); i++) {
                names.add(Integer.toString(i));
            }
        } else {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(input)) {
                try (Stream<Path> list = Files.list(input)) {
                    list.filter(ModelInputs::isImage).sorted().forEach(files::add);
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException(input + " holds no image files");
                }
            } else {
                files.add(input);
            }
            ImageFolder images = ImageFolder.ofFiles(files, imageOptions(model));
            images.files().forEach(f -> names.add(f.getFileName().toString()));
            raw = images;
        }
        return new Unlabelled(model.card().preprocessing().apply(fitted(raw, model.card(), input)), names);
    }

    /** Whether the CSV header (its first non-blank line) has a column named {@code column}. */
    private static boolean hasColumn(Path csv, String column) throws IOException {
        if (column == null) {
            return false;
        }
        try (java.io.BufferedReader in = Utf8Text.newBufferedReader(csv)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    return Arrays.asList(line.replace("\uFEFF", "").split(",", -1)).contains(column);
                }
            }
        } catch (MalformedUtf8Exception e) {
            return false; // reading the file as data names the file, line and byte
        }
        return false;
    }

    /** Image options that give what the model was trained on: its channels and size. */
    private static ImageFolder.Options imageOptions(TrainedModel model) {
        int[] in = model.card().input();
        ImageFolder.Options o = ImageFolder.Options.defaults();
        if (in.length == 3) {
            o = o.withChannels(in[0]).resizedTo(in[1], in[2], ImageFolder.Interpolation.BILINEAR);
        } else {
            o = switch (model.config().data().source()) {
                case DataConfig.FashionMnist f -> o.withChannels(1).resizedTo(28, 28, ImageFolder.Interpolation.BILINEAR);
                case DataConfig.Mnist m -> o.withChannels(1).resizedTo(28, 28, ImageFolder.Interpolation.BILINEAR);
                case DataConfig.Emnist e -> o.withChannels(1).resizedTo(28, 28, ImageFolder.Interpolation.BILINEAR);
                case DataConfig.Cifar c -> o.withChannels(Cifar.CHANNELS).resizedTo(Cifar.SIDE, Cifar.SIDE,
                        ImageFolder.Interpolation.BILINEAR);
                default -> o;
            };
        }
        return o;
    }

    /** {@code data} shaped as the model's input (same number of values per example), or an error. */
    private static Dataset fitted(Dataset data, ModelCard card, Path source) {
        int[] want = card.input();
        int[] have = data.featureShape();
        if (Arrays.equals(want, have)) {
            return data;
        }
        if (values(want) != values(have)) {
            throw new IllegalArgumentException(source + " gives examples of shape " + Shape.str(have)
                    + " but the model reads " + Shape.str(want));
        }
        return new Reshaped(data, want);
    }

    private static long values(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static boolean numbered(List<String> names) {
        for (int c = 0; c < names.size(); c++) {
            if (!names.get(c).equals(Integer.toString(c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCsv(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 && Arrays.asList(ImageIO.getReaderFileSuffixes())
                .contains(name.substring(dot + 1));
    }

    /** Whether {@code dir} holds the test files of an EMNIST or CIFAR run's source under their standard names. */
    private static boolean holdsTestPart(DataConfig.Source source, Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        return switch (source) {
            case DataConfig.Emnist e -> {
                try {
                    Emnist.file(dir, e.split(), false, false);
                    yield true;
                } catch (java.io.FileNotFoundException notThere) {
                    yield false;
                }
            }
            case DataConfig.Cifar c -> Files.isRegularFile(dir.resolve(c.labels().fileNames(false).getFirst()));
            default -> false;
        };
    }

    private static boolean isFashionMnist(Path dir) {
        try {
            return FashionMnist.locate(dir) != null;
        } catch (IOException notIt) {
            return false;
        }
    }

    /** A data set whose examples are read with another shape of the same size (e.g. [1, 28, 28] as [784]). */
    private record Reshaped(Dataset source, int[] shape) implements Dataset {
        @Override
        public int size() {
            return source.size();
        }

        @Override
        public int[] featureShape() {
            return shape.clone();
        }

        @Override
        public int classes() {
            return source.classes();
        }

        @Override
        public dev.gatun.tensor.DType targetDType() {
            return source.targetDType();
        }

        @Override
        public int[] targetShape() {
            return source.targetShape();
        }

        @Override
        public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
            source.fill(indices, from, count, features.reshape(withCount(count, source.featureShape())), labels);
        }

        private static int[] withCount(int count, int[] shape) {
            int[] s = new int[shape.length + 1];
            s[0] = count;
            System.arraycopy(shape, 0, s, 1, shape.length);
            return s;
        }
    }
}
