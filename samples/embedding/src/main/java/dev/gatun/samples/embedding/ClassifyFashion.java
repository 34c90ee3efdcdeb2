package dev.gatun.samples.embedding;

import dev.gatun.config.TrainedModel;
import dev.gatun.data.FashionMnist;
import dev.gatun.predict.Prediction;
import dev.gatun.predict.Predictor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * An application that uses Gatun as a library: it loads a trained run (a folder that
 * {@code make run} or {@code gatun train} wrote) into a {@link Predictor} and classifies the
 * Fashion-MNIST test images with it, several batches at once on the common pool's threads, which
 * share the one predictor. It trains nothing.
 *
 * <pre>usage: ClassifyFashion RUN_DIR [--data DIR] [--show N]</pre>
 */
public final class ClassifyFashion {
    /** Images per call: the batch the run's own test evaluation used, so the scores agree to the bit. */
    static final int BATCH = 1000;

    private ClassifyFashion() {}

    /**
     * The predicted class of every test image, in order, with the true labels.
     *
     * @param predictions one per test image
     * @param labels the true class of each
     */
    public record Result(List<Prediction> predictions, int[] labels) {
        /** The share of images whose predicted class is the true one. */
        public double accuracy() {
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predictions.get(i).classIndex() == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        }
    }

    /** Classifies the test images of the Fashion-MNIST folder {@code dataOrNull} (null: the usual places) with the run in {@code run}. */
    public static Result classify(Path run, Path dataOrNull) throws IOException {
        Path dir = FashionMnist.locate(dataOrNull);
        // Shared, not confined: the pool's threads read the images.
        try (Predictor predictor = TrainedModel.predictor(run); Arena images = Arena.ofShared()) {
            FashionMnist.Split test = FashionMnist.Split.load(dir, false, images);
            if (predictor.inputSize() != test.rows() * test.cols()) {
                throw new IllegalArgumentException(run + " reads " + predictor.inputSize() + " values per example, not "
                        + test.rows() + "x" + test.cols() + " images");
            }
            int batches = (test.count() + BATCH - 1) / BATCH;
            List<List<Prediction>> answers = IntStream.range(0, batches).parallel()
                    .mapToObj(b -> predictor.classify(rows(test, b * BATCH, Math.min(BATCH, test.count() - b * BATCH))))
                    .toList();
            List<Prediction> predictions = new ArrayList<>(test.count());
            answers.forEach(predictions::addAll);
            int[] labels = new int[test.count()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = test.label(i);
            }
            return new Result(predictions, labels);
        }
    }

    /** Images {@code from .. from + count} as rows of pixels scaled to [0, 1], as Gatun's samples train on them. */
    static float[][] rows(FashionMnist.Split split, int from, int count) {
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            MemorySegment image = split.image(from + i);
            float[] row = new float[(int) image.byteSize()];
            for (int p = 0; p < row.length; p++) {
                row[p] = (image.get(ValueLayout.JAVA_BYTE, p) & 0xFF) / 255f;
            }
            rows[i] = row;
        }
        return rows;
    }

    public static void main(String[] args) {
        Path run = null;
        Path data = null;
        int show = 10;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data" -> data = Path.of(value(args, ++i));
                    case "--show" -> show = Integer.parseInt(value(args, ++i));
                    default -> {
                        if (run != null || args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        run = Path.of(args[i]);
                    }
                }
            }
            if (run == null) {
                throw new IllegalArgumentException("name the run folder to load");
            }
            Result r = classify(run, data);
            List<String> names = FashionMnist.CLASS_NAMES;
            for (int i = 0; i < Math.min(show, r.labels().length); i++) {
                Prediction p = r.predictions().get(i);
                System.out.printf(Locale.ROOT, "test image %d: %s (probability %.3f), truly %s%n", i, p.className(),
                        p.probability(), names.get(r.labels()[i]));
            }
            System.out.printf(Locale.ROOT, "accuracy on %d test images: %.4f%n", r.labels().length, r.accuracy());
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: ClassifyFashion RUN_DIR [--data DIR] [--show N]");
            System.exit(2);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
