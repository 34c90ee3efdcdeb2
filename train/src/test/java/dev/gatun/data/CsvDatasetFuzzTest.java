package dev.gatun.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the CSV reader: any file is loaded ({@link CsvDataset#load}) with its label column
 * {@code label} read in each way (class ids, class names, given class names, regression, no labels),
 * and its first batch served, or refused with a {@link CsvFormatException} (or a
 * {@link MemoryBudgetException}) naming it, as {@link ReaderOracle} checks. The seeds in
 * {@code CsvDatasetFuzzTestInputs/loads/} run as regression tests; {@code make fuzz} fuzzes.
 */
class CsvDatasetFuzzTest {
    private static final String FILE = "fuzz-input.csv";
    private static final String LABEL = "label";
    private static final List<String> GIVEN_CLASSES = List.of("a", "b", "c");

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(CsvDatasetFuzzTest.class, "loads", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>();
            validSeeds().forEach((name, seed) -> seeds.put(name, seed.text().getBytes(StandardCharsets.UTF_8)));
            seeds.putAll(issueSeeds());
            return seeds;
        });
    }

    /** A reading of the file: the labels as one of {@link CsvDataset.Labels}, or the given class names when null. */
    private record Reading(CsvDataset.Labels labelsOrNull) {
        void run(Path file) throws IOException {
            CsvDataset data = labelsOrNull == null ? CsvDataset.load(file, LABEL, GIVEN_CLASSES)
                    : CsvDataset.load(file, LABEL, labelsOrNull);
            data.classNames();
            FirstBatch.load(data);
        }
    }

    private static final List<Reading> READINGS = List.of(new Reading(CsvDataset.Labels.CLASS_IDS),
            new Reading(CsvDataset.Labels.CLASS_NAMES), new Reading(null), new Reading(CsvDataset.Labels.REGRESSION),
            new Reading(CsvDataset.Labels.NONE));

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void loads(byte[] input) throws IOException {
        Path file = dir.resolve(FILE);
        Files.write(file, input);
        for (Reading r : READINGS) {
            ReaderOracle.check(FILE, () -> r.run(file), CsvFormatException.class, MemoryBudgetException.class);
        }
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Map.Entry<String, Seed> s : validSeeds().entrySet()) {
            Path file = dir.resolve(s.getKey());
            Files.writeString(file, s.getValue().text());
            for (Reading r : s.getValue().readings()) {
                ReaderOracle.accepts(s.getKey() + " " + r, () -> r.run(file));
            }
        }
    }

    /** A valid file and the readings that accept it. */
    private record Seed(String text, List<Reading> readings) {}

    /** Class ids, class names (quoted, with a byte order mark and CRLF lines), regression values, no labels. */
    private static Map<String, Seed> validSeeds() {
        Map<String, Seed> seeds = new LinkedHashMap<>();
        seeds.put("valid-class-ids.csv", new Seed("x1,x2,label\n0.5,-1,0\n1e3,2.25,2\n-0.0,3,1\n\n7,8E-3,2\n",
                List.of(READINGS.get(0), READINGS.get(3))));
        seeds.put("valid-class-names.csv", new Seed("\uFEFF\"width, cm\",height,label\r\n1.5,2,a\r\n\"3\", 4 ,\"b\"\r\n"
                + "5,6,c\r\n", List.of(READINGS.get(1), READINGS.get(2))));
        seeds.put("valid-regression.csv", new Seed("x,label\n1,0.5\n2,1.5\n3,-2.25\n", List.of(READINGS.get(3))));
        seeds.put("valid-unlabelled.csv", new Seed("x1,x2,x3\n1,2,3\n4,5,6\n", List.of(READINGS.get(4))));
        return seeds;
    }

    /**
     * Files that once failed (issue 15): a Latin-1 byte, class ids of 2³¹ − 1 and 10,000,000 (one
     * class name per id up to them), and Java-only number syntax, which Python and R would not read.
     */
    static Map<String, byte[]> issueSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-latin1-byte.csv", "x,label\n1,caf\u00e9\n2,tea\n".getBytes(StandardCharsets.ISO_8859_1));
        seeds.put("issue15-label-2147483647.csv", "x,label\n1,0\n2,2147483647\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("issue15-label-10000000.csv", "x,label\n1,10000000\n".getBytes(StandardCharsets.UTF_8));
        seeds.put("issue15-java-numbers.csv", "x,y,label\n0x1p-2,1f,0\n2d,3,1\n".getBytes(StandardCharsets.UTF_8));
        return seeds;
    }
}
