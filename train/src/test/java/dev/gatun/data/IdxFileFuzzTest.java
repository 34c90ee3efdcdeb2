package dev.gatun.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the IDX reader: any file, plain or gzip, is read ({@link IdxFile#read}) and its last
 * item sliced, or refused with an {@link IdxFormatException} (or a {@link MemoryBudgetException})
 * naming it, as {@link ReaderOracle} checks. The seeds in {@code IdxFileFuzzTestInputs/reads/} run
 * as regression tests; {@code make fuzz} fuzzes.
 */
class IdxFileFuzzTest {
    private static final String FILE = "fuzz-input-idx3-ubyte";

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(IdxFileFuzzTest.class, "reads", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
            seeds.putAll(issueSeeds());
            return seeds;
        });
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void reads(byte[] input) throws IOException {
        Path file = dir.resolve(FILE);
        Files.write(file, input);
        ReaderOracle.check(FILE, () -> read(file), IdxFormatException.class, MemoryBudgetException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        ReaderOracle.acceptsEach(validSeeds(), dir, IdxFileFuzzTest::read);
    }

    private static void read(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            IdxFile idx = IdxFile.read(file, arena);
            if (idx.count() > 0) {
                idx.item(idx.count() - 1);
            }
            if (idx.type() == IdxType.UBYTE && idx.elementCount() > 0) {
                idx.unsignedByte(idx.elementCount() - 1);
            }
        }
    }

    /** Images and labels as Fashion-MNIST has them, plain and gzip, and every other element type. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        byte[] images = idx(IdxType.UBYTE, new int[] {2, 3, 3}, 18);
        seeds.put("valid-images-idx3-ubyte", images);
        seeds.put("valid-images-idx3-ubyte.gz", gzip(images));
        seeds.put("valid-labels-idx1-ubyte", idx(IdxType.UBYTE, new int[] {4}, 4));
        for (IdxType t : IdxType.values()) {
            seeds.put("valid-" + t.name().toLowerCase(java.util.Locale.ROOT) + "-idx2", idx(t, new int[] {2, 2}, 4 * t.byteSize()));
        }
        return seeds;
    }

    /** Files that once failed (issue 15): a gzip magic number alone, and a gzip header cut after it. */
    static Map<String, byte[]> issueSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-gzip-magic-only", new byte[] {0x1f, (byte) 0x8b});
        seeds.put("issue15-gzip-no-method", new byte[] {0x1f, (byte) 0x8b, 0x00});
        return seeds;
    }

    private static byte[] idx(IdxType type, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
        b.put((byte) 0).put((byte) 0).put((byte) type.code()).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
