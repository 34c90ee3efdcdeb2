package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV cache against the in-memory reader: the same batches bit for bit and the same errors,
 * written once and reused, rebuilt when the source changes or the cache is damaged.
 */
class CsvCacheTest {
    private static final long BUDGET = 1 << 20;

    @TempDir
    Path dir;

    private Path cacheDir() {
        return dir.resolve("cache");
    }

    private MappedCsv cached(Scope s, Path csv, CsvDataset.Labels labels) throws IOException {
        return CsvCache.load(csv, "label", labels, null, cacheDir(), s.arena(), BUDGET);
    }

    @Test
    void servesTheSameBatchesAsTheInMemoryReaderInEveryReading() throws IOException {
        Path csv = dir.resolve("t.csv");
        StringBuilder text = new StringBuilder("\uFEFFx, \"y,1\" ,label\n");
        Random r = new Random(3);
        String[] names = {"zebra", "ant", "mole"};
        for (int i = 0; i < 3000; i++) {
            text.append(r.nextGaussian()).append(',').append(r.nextInt(100) - 50).append("e-3,")
                    .append(names[r.nextInt(3)]).append(i % 97 == 0 ? "\n\n" : "\n");
        }
        Files.writeString(csv, text);
        Path ids = dir.resolve("ids.csv");
        Files.writeString(ids, "a,label,b\n1,0,2\n3,4,5\n.5,2,-1e3\n");
        try (Scope s = Scope.open("test")) {
            assertSameData(CsvDataset.load(csv, "label", CsvDataset.Labels.CLASS_NAMES), cached(s, csv,
                    CsvDataset.Labels.CLASS_NAMES));
            List<String> given = List.of("mole", "zebra", "ant", "unused");
            CsvDataset memory = CsvDataset.load(csv, "label", given);
            MappedCsv mapped = CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_NAMES, given, cacheDir(), s.arena(),
                    BUDGET);
            assertSameData(memory, mapped);
            assertEquals(given, mapped.classNames());
            assertSameData(CsvDataset.load(ids, "label", CsvDataset.Labels.CLASS_IDS), cached(s, ids,
                    CsvDataset.Labels.CLASS_IDS));
            assertSameData(CsvDataset.load(ids, "label", CsvDataset.Labels.REGRESSION), cached(s, ids,
                    CsvDataset.Labels.REGRESSION));
            assertSameData(CsvDataset.load(ids, "label", CsvDataset.Labels.NONE), cached(s, ids, CsvDataset.Labels.NONE));
            // Two readings of t.csv, three of ids.csv: one cache file each.
            assertEquals(5, cacheFiles().size(), cacheFiles().toString());
        }
    }

    @Test
    void isWrittenOnceAndReusedWithoutParsing() throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,b,label\n1,2,x\n3,4,y\n5,6,x\n");
        try (Scope s = Scope.open("test")) {
            MappedCsv first = cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            assertEquals("no cache yet", first.whyParsed().orElseThrow());
            Path cache = first.cacheFile();
            assertEquals(cacheDir(), cache.getParent());
            Object written = Files.readAttributes(cache, BasicFileAttributes.class).fileKey();
            FileTime writtenAt = Files.getLastModifiedTime(cache);
            MappedCsv again = cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            assertTrue(again.whyParsed().isEmpty(), again.whyParsed().toString());
            // Not rewritten: the same file (a rebuild moves a new one into place) with its old time.
            assertEquals(written, Files.readAttributes(cache, BasicFileAttributes.class).fileKey());
            assertEquals(writtenAt, Files.getLastModifiedTime(cache));
            assertSameData(first, again);
            assertEquals(List.of(cache), cacheFiles(), "no temporary file is left");
        }
    }

    @Test
    void isRebuiltWhenTheSourceChanges() throws IOException {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "a,b,label\n1,2,x\n3,4,y\n");
        try (Scope s = Scope.open("test")) {
            cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            FileTime time = Files.getLastModifiedTime(csv);
            // Same size, same time: only the sampled content tells.
            Files.writeString(csv, "a,b,label\n1,2,x\n3,5,y\n");
            Files.setLastModifiedTime(csv, time);
            MappedCsv content = cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            assertTrue(content.whyParsed().orElseThrow().contains("content"), content.whyParsed().toString());
            assertSameData(CsvDataset.load(csv, "label", CsvDataset.Labels.CLASS_NAMES), content);

            Files.setLastModifiedTime(csv, FileTime.fromMillis(time.toMillis() + 5000));
            MappedCsv touched = cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            assertTrue(touched.whyParsed().orElseThrow().contains("modification time"), touched.whyParsed().toString());

            Files.writeString(csv, "a,b,label\n1,2,x\n3,5,y\n7,8,z\n");
            MappedCsv grown = cached(s, csv, CsvDataset.Labels.CLASS_NAMES);
            assertTrue(grown.whyParsed().orElseThrow().contains("size"), grown.whyParsed().toString());
            assertEquals(3, grown.size());
            assertEquals(List.of("x", "y", "z"), grown.classNames());
            assertTrue(cached(s, csv, CsvDataset.Labels.CLASS_NAMES).whyParsed().isEmpty());
        }
    }

    @Test
    void refusesAndRebuildsADamagedOrTruncatedCache() throws IOException {
        Path csv = dir.resolve("t.csv");
        StringBuilder text = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 500; i++) {
            text.append(i).append(',').append(i * 0.25).append(',').append(-i).append(',').append(i % 3).append('\n');
        }
        Files.writeString(csv, text);
        CsvDataset memory = CsvDataset.load(csv, "label", CsvDataset.Labels.CLASS_IDS);
        Path cache;
        try (Scope s = Scope.open("test")) {
            cache = cached(s, csv, CsvDataset.Labels.CLASS_IDS).cacheFile();
        }
        long size = Files.size(cache);
        // A flipped bit in the features, a class id, the names, the header; a cut anywhere.
        long targets = CsvCacheFile.HEADER_BYTES + 500 * 3 * Float.BYTES;
        long[] flips = {CsvCacheFile.HEADER_BYTES + 17, targets + 8, size - 3, 20, 0};
        for (long at : flips) {
            byte[] bytes = Files.readAllBytes(cache);
            bytes[(int) at] ^= 0x10;
            Files.write(cache, bytes);
            try (Scope s = Scope.open("test")) {
                MappedCsv rebuilt = cached(s, csv, CsvDataset.Labels.CLASS_IDS);
                String why = rebuilt.whyParsed().orElseThrow(() -> new AssertionError("byte " + at + " went unnoticed"));
                assertTrue(why.contains("damaged") || why.contains("magic") || why.contains("impossible"), why);
                assertSameData(memory, rebuilt);
            }
        }
        for (long keep : new long[] {size - 1, size / 2, CsvCacheFile.HEADER_BYTES, 100, 0}) {
            try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.WRITE)) {
                ch.truncate(keep);
            }
            try (Scope s = Scope.open("test")) {
                MappedCsv rebuilt = cached(s, csv, CsvDataset.Labels.CLASS_IDS);
                String why = rebuilt.whyParsed().orElseThrow(() -> new AssertionError("a cut at " + keep
                        + " went unnoticed"));
                assertTrue(why.contains("truncated"), why);
                assertSameData(memory, rebuilt);
            }
        }
    }

    @Test
    void refusesAFileWithTheInMemoryReadersMessageAndLeavesNoCache() throws IOException {
        Random r = new Random(7);
        String[] cells = {"1", "2", "0.5", "", "x", "nan", "NA", "a", "b", "\"q", "1e99", "-1", "3", "70000", " 2 ",
            "\"a,b\""};
        int refused = 0;
        int accepted = 0;
        for (int t = 0; t < 300; t++) {
            StringBuilder text = new StringBuilder();
            int lines = r.nextInt(6);
            int columns = 1 + r.nextInt(3);
            for (int l = 0; l < lines; l++) {
                int fields = r.nextInt(10) == 0 ? columns + r.nextInt(3) - 1 : columns;
                for (int k = 0; k < fields; k++) {
                    text.append(k > 0 ? "," : "");
                    if (l == 0 && r.nextInt(4) != 0) {
                        text.append(k == 0 ? "label" : "f" + (r.nextInt(5) == 0 ? 1 : k));
                    } else {
                        text.append(cells[r.nextInt(r.nextInt(3) == 0 ? cells.length : 4)]);
                    }
                }
                text.append(r.nextInt(8) == 0 ? "\n\n" : "\n");
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(20) == 0 && bytes.length > 2) {
                bytes[r.nextInt(bytes.length)] = (byte) 0xC3;
            }
            Path csv = dir.resolve("f" + t + ".csv");
            Files.write(csv, bytes);
            for (CsvDataset.Labels labels : CsvDataset.Labels.values()) {
                String memory;
                CsvDataset m = null;
                try {
                    m = CsvDataset.load(csv, "label", labels);
                    memory = "accepted";
                } catch (CsvFormatException e) {
                    memory = e.getMessage();
                }
                try (Scope s = Scope.open("test")) {
                    String mapped;
                    try {
                        MappedCsv c = cached(s, csv, labels);
                        mapped = "accepted";
                        assertSameData(m, c);
                    } catch (CsvFormatException e) {
                        mapped = e.getMessage();
                    }
                    assertEquals(memory, mapped, text + " read as " + labels);
                    if (memory.equals("accepted")) {
                        accepted++;
                    } else {
                        refused++;
                    }
                }
            }
        }
        assertTrue(refused > 100 && accepted > 50, refused + " refused, " + accepted + " accepted");
        try (Stream<Path> left = Files.list(cacheDir())) {
            List<Path> files = left.toList();
            assertEquals(accepted, files.size(), "one cache per accepted reading, nothing else: " + files);
        }
    }

    @Test
    void releasesMappedPagesOnItsBudgetAndStillServesTheData() throws IOException {
        Path csv = dir.resolve("wide.csv");
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < 300; c++) {
            text.append('f').append(c).append(',');
        }
        text.append("label\n");
        for (int i = 0; i < 4000; i++) {
            for (int c = 0; c < 300; c++) {
                text.append((i + c) % 10).append(',');
            }
            text.append(i % 2).append('\n');
        }
        Files.writeString(csv, text);
        try (Scope s = Scope.open("test")) {
            // 4.8 MB of features in three 2 MiB regions, one of which may stay mapped at a time.
            MappedCsv small = CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS, null, cacheDir(), s.arena(),
                    256 << 10);
            assertSameData(CsvDataset.load(csv, "label", CsvDataset.Labels.CLASS_IDS), small);
            assertTrue(small.releases() > 100, small.releases() + " releases");
            MappedCsv large = CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS, null, cacheDir(), s.arena(),
                    1L << 40);
            assertSameData(small, large);
            assertEquals(0, large.releases());
        }
    }

    @Test
    void refusesClassNamesForAnotherReading() {
        Path csv = dir.resolve("t.csv");
        try (Scope s = Scope.open("test")) {
            assertThrows(IllegalArgumentException.class, () -> CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS,
                    List.of("a"), cacheDir(), s.arena(), BUDGET));
            assertThrows(IllegalArgumentException.class, () -> CsvCache.load(csv, "label", CsvDataset.Labels.CLASS_IDS,
                    null, cacheDir(), s.arena(), 0));
        }
    }

    private List<Path> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir())) {
            return files.sorted().toList();
        }
    }

    /** Every example of both, in order, as float bits and targets: equal, and the same shapes and names. */
    static void assertSameData(Dataset expected, Dataset actual) {
        assertEquals(expected.size(), actual.size());
        assertArrayEquals(expected.featureShape(), actual.featureShape());
        assertEquals(expected.classes(), actual.classes());
        assertEquals(expected.targetDType(), actual.targetDType());
        assertArrayEquals(expected.targetShape(), actual.targetShape());
        assertEquals(names(expected), names(actual));
        List<int[]> a = bits(expected);
        List<int[]> b = bits(actual);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "chunk " + i);
        }
    }

    private static List<List<String>> names(Dataset d) {
        return switch (d) {
            case CsvDataset c -> List.of(c.featureNames(), c.classNames());
            case MappedCsv m -> List.of(m.featureNames(), m.classNames());
            default -> List.of();
        };
    }

    /** Features and targets of every example, as raw bits, in a shuffled order so gathering is exercised. */
    private static List<int[]> bits(Dataset d) {
        List<int[]> out = new ArrayList<>();
        DataLoader loader = new DataLoader(d, 128, true, 11, false);
        int[] order = loader.order(1);
        try (Scope s = Scope.open("bits")) {
            for (int b = 0; b < loader.batchCount(); b++) {
                DataLoader.Batch batch = loader.batch(order, b);
                out.add(toInts(batch.features().toFloatArray()));
                out.add(batch.labels().dtype() == DType.INT32 ? batch.labels().toIntArray()
                        : toInts(batch.labels().toFloatArray()));
            }
        }
        return out;
    }

    private static int[] toInts(float[] y) {
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Float.floatToRawIntBits(y[i]);
        }
        return out;
    }
}
