package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set several times larger than its memory budget trains with flat resident memory: a
 * child JVM with a small heap trains for an epoch on a 64 MiB CSV cache, 52 MB of CIFAR-10
 * binaries or a 48 MiB IDX image file with a 4 MiB resident budget, and its resident size, read
 * from {@code /proc/self/smaps_rollup} after every batch, grows by about the budget, not the
 * data. The same run with no budget, whose mapped pages stay, shows the measurement sees the
 * mapping.
 */
class ResidentMemoryTest {
    private static final int FEATURES = 256;
    private static final int ROWS = 65_536;
    private static final long BUDGET = 4L << 20;
    private static final long MIB = 1L << 20;
    private static final int BATCH = 256;
    /** CIFAR-10 records per training file: 5 files of 10.4 MB. */
    private static final int CIFAR_RECORDS = 3_400;
    /** IDX images of 64×64: 48 MiB. */
    private static final int IDX_IMAGES = 12_288;
    private static final int IDX_SIDE = 64;

    @TempDir
    Path dir;

    @Test
    void trainingOnACacheLargerThanTheBudgetKeepsResidentMemoryFlat() throws Exception {
        Path csv = dir.resolve("large.csv");
        writeCsv(csv);
        Path cacheDir = dir.resolve("cache");
        long cacheBytes;
        try (Scope s = Scope.open("build the cache")) {
            MappedCsv built = CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS, null, cacheDir, s.arena(), BUDGET);
            cacheBytes = Files.size(built.cacheFile());
        }
        assertTrue(cacheBytes >= 16 * BUDGET, cacheBytes + " bytes of cache");

        Map<String, String> bounded = probe(null, "csv", csv.toString(), cacheDir.toString(), Long.toString(BUDGET));
        Map<String, String> unbounded = probe(null, "csv", csv.toString(), cacheDir.toString(),
                Long.toString(Long.MAX_VALUE));
        assertEquals("false", bounded.get("parsed"), "the child maps the cache the test built: " + bounded);
        assertFlat(bounded, unbounded, cacheBytes, ROWS);
    }

    @Test
    void trainingOnCifarFilesLargerThanTheBudgetKeepsResidentMemoryFlat() throws Exception {
        long bytes = 0;
        for (String name : Cifar.Labels.CIFAR10.fileNames(true)) {
            bytes += writeCifar(dir.resolve(name), name.hashCode());
        }
        assertTrue(bytes >= 12 * BUDGET, bytes + " bytes of CIFAR files");
        assertFlat(probe("4m", "cifar", dir.toString()), probe("1g", "cifar", dir.toString()), bytes,
                5 * CIFAR_RECORDS);
    }

    @Test
    void trainingOnAnIdxFileLargerThanTheBudgetKeepsResidentMemoryFlat() throws Exception {
        Path images = dir.resolve("images-idx3-ubyte");
        Path labels = dir.resolve("labels-idx1-ubyte");
        writeIdx(images, labels);
        long bytes = Files.size(images);
        assertTrue(bytes >= 12 * BUDGET, bytes + " bytes of IDX images");
        assertFlat(probe("4m", "idx", images.toString(), labels.toString()),
                probe("1g", "idx", images.toString(), labels.toString()), bytes, IDX_IMAGES);
    }

    /**
     * Checks that the run with the budget released the mapped pages as it read and grew by
     * about the budget, while the one without grew by about the data.
     */
    private static void assertFlat(Map<String, String> bounded, Map<String, String> unbounded, long dataBytes,
            int examples) {
        String both = "with the budget " + bounded + ", without " + unbounded;
        assertEquals(Integer.toString((examples + BATCH - 1) / BATCH), bounded.get("batches"), both);
        // Every region of the data is read once an epoch, and a release frees at most the budget.
        assertTrue(Long.parseLong(bounded.get("releases")) >= dataBytes / BUDGET - 1, both);
        long fileGrowth = Long.parseLong(bounded.get("file_growth_kib")) * 1024;
        long unboundedFileGrowth = Long.parseLong(unbounded.get("file_growth_kib")) * 1024;
        // The budget and the library pages the epoch still maps: far below the file.
        assertTrue(fileGrowth < BUDGET + 12 * MIB, both);
        // Without releasing, the pages read stay resident: the measurement does see the mapping.
        assertTrue(unboundedFileGrowth > dataBytes * 3 / 4, both);
        assertEquals("0", unbounded.get("releases"), both);
        // All memory (the heap, compiled code, batches): the two runs differ by about the file.
        long rssGrowth = Long.parseLong(bounded.get("rss_growth_kib")) * 1024;
        long unboundedRssGrowth = Long.parseLong(unbounded.get("rss_growth_kib")) * 1024;
        assertTrue(rssGrowth < unboundedRssGrowth - dataBytes / 2, both);
    }

    /**
     * Writes {@link #CIFAR_RECORDS} CIFAR-10 records of varied labels and pixels; returns the
     * file's size.
     */
    private static long writeCifar(Path file, int seed) throws IOException {
        byte[] bytes = new byte[CIFAR_RECORDS * (1 + CifarBatch.PIXELS)];
        new SplittableRandom(seed).nextBytes(bytes);
        for (int r = 0; r < CIFAR_RECORDS; r++) {
            bytes[r * (1 + CifarBatch.PIXELS)] = (byte) (r % 10);
        }
        Files.write(file, bytes);
        return bytes.length;
    }

    /** Writes {@link #IDX_IMAGES} plain 64×64 IDX images of varied pixels and their labels, 0..9. */
    private static void writeIdx(Path images, Path labels) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16).putInt(0x0803).putInt(IDX_IMAGES).putInt(IDX_SIDE)
                .putInt(IDX_SIDE);
        byte[] pixels = new byte[IDX_IMAGES * IDX_SIDE * IDX_SIDE];
        new SplittableRandom(7).nextBytes(pixels);
        try (OutputStream out = Files.newOutputStream(images)) {
            out.write(header.array());
            out.write(pixels);
        }
        byte[] classes = new byte[8 + IDX_IMAGES];
        ByteBuffer.wrap(classes).putInt(0x0801).putInt(IDX_IMAGES);
        for (int i = 0; i < IDX_IMAGES; i++) {
            classes[8 + i] = (byte) (i * 7 % 10);
        }
        Files.write(labels, classes);
    }

    /** Digits 0..9 as features and two classes: a 33 MiB CSV of a 64 MiB cache. */
    private static void writeCsv(Path csv) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < FEATURES; c++) {
                line.append('f').append(c).append(',');
            }
            out.write(line.append("label\n").toString());
            for (int r = 0; r < ROWS; r++) {
                line.setLength(0);
                for (int c = 0; c < FEATURES; c++) {
                    line.append((char) ('0' + (r * 31 + c * 7 + r / 10 * c) % 10)).append(',');
                }
                out.write(line.append(r % 2).append('\n').toString());
            }
        }
    }

    /**
     * Runs {@link ResidentMemoryProbe} with {@code args} in a child JVM with a 64 MiB heap and,
     * unless null, {@code budget} as its {@value MappedFile#RESIDENT_BUDGET_PROPERTY}; returns
     * what it printed, as key=value.
     */
    private static Map<String, String> probe(String budgetOrNull, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath()));
        if (budgetOrNull != null) {
            cmd.add("-D" + MappedFile.RESIDENT_BUDGET_PROPERTY + "=" + budgetOrNull);
        }
        cmd.add(ResidentMemoryProbe.class.getName());
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), output);
        Map<String, String> values = new HashMap<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("parsed=")) {
                for (String pair : line.split(" ")) {
                    String[] kv = pair.split("=", 2);
                    values.put(kv[0], kv[1]);
                }
            }
        }
        assertTrue(values.containsKey("rss_growth_kib"), output);
        return values;
    }

    /** The test JVM's module path and class path, as a class path for the child. */
    private static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("jdk.module.path", "").split(File.pathSeparator)));
        entries.addAll(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.add(Path.of(ResidentMemoryProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        entries.removeIf(String::isBlank);
        return String.join(File.pathSeparator, entries);
    }
}
