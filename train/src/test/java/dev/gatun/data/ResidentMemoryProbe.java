package dev.gatun.data;

import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.BatchContext;
import dev.gatun.train.callbacks.Callback;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The child JVM of {@link ResidentMemoryTest}: trains a linear model for one epoch on a
 * memory-mapped data set (prefetching two batches) and prints how far its resident memory grew
 * during the epoch, sampled after every batch.
 *
 * <p>Arguments: {@code csv} with the CSV, the cache folder and the resident budget in bytes;
 * {@code cifar} with the folder of CIFAR-10 binaries; or {@code idx} with the image and label
 * files. The last two take their budget from {@value MappedFile#RESIDENT_BUDGET_PROPERTY}.
 */
public final class ResidentMemoryProbe {
    private ResidentMemoryProbe() {}

    /**
     * Runs the probe.
     *
     * @param args the kind of data set and its files, as above
     * @throws IOException when the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        try (Scope s = Scope.open("probe")) {
            Dataset data;
            String parsed = "false";
            LongSupplier releases;
            long fileBytes;
            switch (args[0]) {
                case "csv" -> {
                    MappedCsv csv = CsvCache.load(Path.of(args[1]), "label", CsvDataset.Labels.CLASS_IDS, null,
                            Path.of(args[2]), s.arena(), Long.parseLong(args[3]));
                    data = csv;
                    parsed = Boolean.toString(csv.whyParsed().isPresent());
                    releases = csv::releases;
                    fileBytes = Files.size(csv.cacheFile());
                }
                case "cifar" -> {
                    List<CifarBatch> batches = Cifar.load(Path.of(args[1]), Cifar.Labels.CIFAR10, true, s.arena());
                    data = new CifarDataset(batches, CifarBatch.PIXELS);
                    releases = () -> batches.getFirst().file().releases();
                    fileBytes = batches.stream().mapToLong(b -> b.file().byteSize()).sum();
                }
                case "idx" -> {
                    IdxImages images = Mnist.load(Path.of(args[1]), Path.of(args[2]), s.arena());
                    data = new ImageDataset(images, images.rows() * images.cols());
                    releases = () -> images.images().mappingOrNull().releases();
                    fileBytes = Files.size(Path.of(args[1]));
                }
                default -> throw new IllegalArgumentException("unknown data set kind " + args[0]);
            }
            SplittableRandom rng = new SplittableRandom(1);
            Sequential model = new Sequential(new Linear(data.featureShape()[0], data.classes(), rng));
            Trainer trainer = new Trainer(model, new Sgd(model.parameters(), 0.001), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            long[] baseline = new long[2];
            long[] peak = new long[2];
            trainer.addCallback(new Callback() {
                @Override
                public void onFitStart(Trainer t) {
                    System.arraycopy(residentKib(), 0, baseline, 0, 2);
                    System.arraycopy(baseline, 0, peak, 0, 2);
                }

                @Override
                public void onBatchEnd(BatchContext context) {
                    long[] now = residentKib();
                    for (int i = 0; i < 2; i++) {
                        peak[i] = Math.max(peak[i], now[i]);
                    }
                }
            });
            DataLoader loader = new DataLoader(data, 256, true, 1, false).withPrefetch(2);
            trainer.fit(loader, null, 1, null);
            System.out.println("parsed=" + parsed + " batches=" + loader.batchCount()
                    + " releases=" + releases.getAsLong() + " file_growth_kib=" + (peak[0] - baseline[0])
                    + " rss_growth_kib=" + (peak[1] - baseline[1]) + " file_kib=" + fileBytes / 1024
                    + " loss=" + trainer.history().getFirst().trainLoss());
        }
    }

    /**
     * {file-backed, all} resident KiB, from {@code /proc/self/smaps_rollup}, which walks the page
     * tables: the RssFile and VmRSS of {@code /proc/self/status} are per-CPU counters that recent
     * kernels sum approximately, and here lagged the mapping by tens of MiB.
     */
    private static long[] residentKib() {
        try {
            long rss = -1;
            long anonymous = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
                if (line.startsWith("Rss:")) {
                    rss = kib(line);
                } else if (line.startsWith("Anonymous:")) {
                    anonymous = kib(line);
                }
            }
            if (rss < 0 || anonymous < 0) {
                throw new IllegalStateException("/proc/self/smaps_rollup has no Rss or Anonymous line");
            }
            return new long[] {rss - anonymous, rss};
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/smaps_rollup", e);
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
