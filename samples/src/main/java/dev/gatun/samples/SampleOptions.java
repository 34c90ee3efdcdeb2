package dev.gatun.samples;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The options every sample takes:
 * {@code --epochs N --batch B --lr X --backend cpu|scalar|cuda --data DIR --seed S --out DIR --limit N
 * --validation F --checkpoint-every N --resume DIR}.
 *
 * @param resume a checkpoint directory or a run folder to continue, or null
 */
public record SampleOptions(int epochs, int batch, double lr, String backend, Path data, long seed, Path out,
                            int limit, double validation, int checkpointEvery, Path resume) {
    /** The usage text. */
    public static final String USAGE = """
            options:
              --epochs N        training epochs (default %d)
              --batch B         mini-batch size (default %d)
              --lr X            learning rate (default %s)
              --backend NAME    cpu (Vector API, default), scalar (reference) or cuda (GPU: model
                                and batches on CUDA device 0)
              --data DIR        folder with the Fashion-MNIST IDX files (plain or .gz)
              --seed S          random seed for weights, shuffling and dropout (default 42)
              --out DIR         where run folders go (default runs)
              --limit N         train on the first N training examples only (default 0: all)
              --validation F    hold out this fraction of the training examples (stratified by class
                                for classifiers) as a validation set for the per-epoch curves
                                (default 0.1; 0: none); the test set is evaluated once, at the end
              --checkpoint-every N
                                save a checkpoint every N epochs and after the last one into the
                                run folder's checkpoints/epoch-NNNN/, keeping the newest 2
                                (default 0: none)
              --resume DIR      continue a run from a checkpoint directory, or from the newest
                                checkpoint of a run folder: the run goes on in that same run folder
                                (--out is ignored) up to --epochs in all, and its metrics files get
                                the earlier epochs too; the other options must match the run's
            """;

    /** Parses {@code args} over the sample's defaults; throws with a message naming the bad option. */
    public static SampleOptions parse(String[] args, int defaultEpochs, int defaultBatch, double defaultLr) {
        int epochs = defaultEpochs;
        int batch = defaultBatch;
        double lr = defaultLr;
        String backend = "cpu";
        Path data = null;
        long seed = 42;
        Path out = Path.of("runs");
        int limit = 0;
        double validation = 0.1;
        int checkpointEvery = 0;
        Path resume = null;
        for (int i = 0; i < args.length; i++) {
            String opt = args[i];
            if (opt.equals("--help") || opt.equals("-h")) {
                throw new HelpRequested(USAGE.formatted(defaultEpochs, defaultBatch, defaultLr));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + opt + " needs a value");
            }
            String v = args[++i];
            switch (opt) {
                case "--epochs" -> epochs = positiveInt(opt, v, true);
                case "--batch" -> batch = positiveInt(opt, v, false);
                case "--lr" -> lr = positiveDouble(opt, v);
                case "--backend" -> backend = v.toLowerCase(Locale.ROOT);
                case "--data" -> data = Path.of(v);
                case "--seed" -> seed = parseLong(opt, v);
                case "--out" -> out = Path.of(v);
                case "--limit" -> limit = positiveInt(opt, v, true);
                case "--validation" -> validation = fraction(opt, v);
                case "--checkpoint-every" -> checkpointEvery = positiveInt(opt, v, true);
                case "--resume" -> resume = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + opt + "\n"
                        + USAGE.formatted(defaultEpochs, defaultBatch, defaultLr));
            }
        }
        return new SampleOptions(epochs, batch, lr, backend, data, seed, out, limit, validation, checkpointEvery,
                resume);
    }

    /** Thrown for --help: the message is the usage text. */
    public static final class HelpRequested extends RuntimeException {
        HelpRequested(String usage) {
            super(usage);
        }
    }

    private static int positiveInt(String opt, String v, boolean zeroAllowed) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || (n == 0 && !zeroAllowed)) {
                throw new IllegalArgumentException(opt + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, got '" + v + "'");
        }
    }

    private static double positiveDouble(String opt, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(opt + " must be a positive number, got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + v + "'");
        }
    }

    private static double fraction(String opt, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException(opt + " must be in [0, 1), got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + v + "'");
        }
    }

    private static long parseLong(String opt, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, got '" + v + "'");
        }
    }
}
