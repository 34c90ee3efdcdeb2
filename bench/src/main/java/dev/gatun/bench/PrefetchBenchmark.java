package dev.gatun.bench;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.CsvCache;
import dev.gatun.data.CsvDataset;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Dataset;
import dev.gatun.data.Prefetcher;
import dev.gatun.data.augment.Compose;
import dev.gatun.data.augment.HorizontalFlip;
import dev.gatun.data.augment.RandomCrop;
import dev.gatun.models.FashionModels;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Prefetching's effect on the MLP sample's training: training steps as {@link Trainer#trainEpoch}
 * takes them, epoch after epoch, over {@code examples} Fashion-MNIST-sized examples (784 pixels,
 * 10 classes; random, drawn once), the sample's MLP 784-256-128-10 with Adam, batch 128,
 * shuffled, with {@code prefetch} batches prepared ahead on a background thread (0: each batch
 * gathered on the training thread). Each invocation is one step; the score is samples per second.
 *
 * <pre>
 * array            the examples in a Java array (the in-memory path)
 * array-augmented  the same as images [1, 28, 28] with a random crop (pad 2) and a flip
 * csv-cache        a CSV of the examples, parsed once into its cache and memory-mapped
 * </pre>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/gatun-benchmarks.jar PrefetchBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class PrefetchBenchmark {
    private static final int PIXELS = 784;
    private static final int BATCH = 128;

    /** Where the examples come from: array, array-augmented or csv-cache. */
    @Param({"array", "array-augmented", "csv-cache"})
    public String source;

    /** Batches prepared ahead; 0 is no prefetching. */
    @Param({"0", "2"})
    public int prefetch;

    /** Examples per epoch: 100 batches of 128. */
    @Param({"12800"})
    public int examples;

    private dev.gatun.tensor.Scope scope;
    private Path cacheDir;
    private Trainer trainer;
    private DataLoader loader;
    private int epoch;
    private Prefetcher prepared;
    private int served;

    /** Builds the data set, the sample's MLP and its optimizer. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        scope = dev.gatun.tensor.Scope.open("prefetch bench");
        SplittableRandom rng = new SplittableRandom(42);
        float[] pixels = new float[examples * PIXELS];
        int[] labels = new int[examples];
        for (int i = 0; i < examples; i++) {
            labels[i] = rng.nextInt(10);
            for (int p = 0; p < PIXELS; p++) {
                pixels[i * PIXELS + p] = rng.nextInt(10) / 10f;
            }
        }
        Dataset data = switch (source) {
            case "array" -> ArrayDataset.classification(pixels, new int[] {PIXELS}, labels, 10);
            case "array-augmented" -> ArrayDataset.classification(pixels, new int[] {1, 28, 28}, labels, 10);
            case "csv-cache" -> {
                cacheDir = Files.createTempDirectory("gatun-prefetch-bench");
                Path csv = cacheDir.resolve("examples.csv");
                writeCsv(csv, pixels, labels);
                yield CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS, null, cacheDir.resolve("cache"),
                        scope.arena(), CsvCache.DEFAULT_RESIDENT_BYTES);
            }
            default -> throw new IllegalArgumentException("unknown source " + source);
        };
        DataLoader plain = new DataLoader(data, BATCH, true, 42, false).withPrefetch(prefetch);
        loader = source.equals("array-augmented")
                ? plain.withAugmentation(Compose.of(new RandomCrop(2), new HorizontalFlip(0.5))) : plain;
        Sequential net = new Sequential(new Flatten(), FashionModels.mlp(rng));
        trainer = new Trainer(net, new Adam(net.parameters(), 1e-3), Loss.CROSS_ENTROPY,
                new PrintStream(OutputStream.nullOutputStream()), false);
    }

    /** Frees the model and the mapping, and removes the CSV and its cache. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (prepared != null) {
            prepared.close();
        }
        scope.close();
        if (cacheDir != null) {
            try (Stream<Path> files = Files.walk(cacheDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * One training step on the next batch, starting the next epoch's batches after the last.
     *
     * @return the step's loss, so the work is not optimized away
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double step() {
        if (prepared == null || served == prepared.batchCount()) {
            if (prepared != null) {
                prepared.close();
            }
            epoch++;
            prepared = loader.batches(epoch, loader.order(epoch));
            served = 0;
        }
        served++;
        try (Prefetcher.Loaded loaded = prepared.next();
                dev.gatun.tensor.Scope step = dev.gatun.tensor.Scope.open("bench step")) {
            return trainer.step(loaded.batch()).loss();
        }
    }

    /** The examples as a CSV: pixels with one decimal, then the label. */
    private static void writeCsv(Path csv, float[] pixels, int[] labels) {
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            for (int p = 0; p < PIXELS; p++) {
                line.append('p').append(p).append(',');
            }
            out.write(line.append("label\n").toString());
            for (int i = 0; i < labels.length; i++) {
                line.setLength(0);
                for (int p = 0; p < PIXELS; p++) {
                    line.append(pixels[i * PIXELS + p]).append(',');
                }
                out.write(line.append(labels[i]).append('\n').toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv, e);
        }
    }
}
