package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.Scope;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data set several times larger than its memory budget trains with flat resident memory: a
 * child JVM with a small heap trains for an epoch on a 64 MiB CSV cache with a 4 MiB resident
 * budget, and its resident size, read from {@code /proc/self/smaps_rollup} after every batch, grows by
 * about the budget, not the file. The same run with no budget, whose mapped pages stay, shows the
 * measurement sees the mapping.
 */
class ResidentMemoryTest {
    private static final int FEATURES = 256;
    private static final int ROWS = 65_536;
    private static final long BUDGET = 4L << 20;
    private static final long MIB = 1L << 20;

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

        Map<String, String> bounded = probe(csv, cacheDir, BUDGET);
        Map<String, String> unbounded = probe(csv, cacheDir, Long.MAX_VALUE);
        String both = "with the budget " + bounded + ", without " + unbounded;
        assertEquals("false", bounded.get("parsed"), "the child maps the cache the test built: " + both);
        assertEquals(Integer.toString(ROWS / 256), bounded.get("batches"), both);
        assertTrue(Long.parseLong(bounded.get("releases")) >= cacheBytes / BUDGET, both);
        long fileGrowth = Long.parseLong(bounded.get("file_growth_kib")) * 1024;
        long unboundedFileGrowth = Long.parseLong(unbounded.get("file_growth_kib")) * 1024;
        // The budget and the library pages the epoch still maps: far below the file.
        assertTrue(fileGrowth < BUDGET + 12 * MIB, both);
        // Without releasing, the pages read stay resident: the measurement does see the mapping.
        assertTrue(unboundedFileGrowth > cacheBytes * 3 / 4, both);
        assertEquals("0", unbounded.get("releases"), both);
        // All memory (the heap, compiled code, batches): the two runs differ by about the file.
        long rssGrowth = Long.parseLong(bounded.get("rss_growth_kib")) * 1024;
        long unboundedRssGrowth = Long.parseLong(unbounded.get("rss_growth_kib")) * 1024;
        assertTrue(rssGrowth < unboundedRssGrowth - cacheBytes / 2, both);
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

    /** Runs {@link ResidentMemoryProbe} in a child JVM with a 64 MiB heap; returns what it printed, as key=value. */
    private static Map<String, String> probe(Path csv, Path cacheDir, long budget) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath(), ResidentMemoryProbe.class.getName(), csv.toString(), cacheDir.toString(),
                Long.toString(budget));
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
