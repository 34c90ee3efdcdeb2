package dev.gatun.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.lang.foreign.Arena;
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
 * Fuzzes the CIFAR binary reader: any file is mapped and checked ({@link CifarBatch#read}) and its
 * last record's label and pixels read, or refused with a {@link DatasetFormatException} naming it,
 * as {@link ReaderOracle} checks; as CIFAR-10 ({@code cifar10}) and as CIFAR-100 ({@code cifar100}).
 * The seeds in {@code CifarBatchFuzzTestInputs/<method>/} run as regression tests; {@code make fuzz}
 * fuzzes.
 */
class CifarBatchFuzzTest {
    private static final String FILE = "fuzz_input_batch.bin";

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(CifarBatchFuzzTest.class, "cifar10", () -> validSeeds(Cifar.Labels.CIFAR10));
        SeedCorpus.writeIfAsked(CifarBatchFuzzTest.class, "cifar100", () -> validSeeds(Cifar.Labels.CIFAR100_FINE));
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void cifar10(byte[] input) throws IOException {
        fuzz(input, Cifar.Labels.CIFAR10);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void cifar100(byte[] input) throws IOException {
        fuzz(input, Cifar.Labels.CIFAR100_FINE);
    }

    private static void fuzz(byte[] input, Cifar.Labels labels) throws IOException {
        Path file = dir.resolve(FILE);
        Files.write(file, input);
        ReaderOracle.check(FILE, () -> read(file, labels), DatasetFormatException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        for (Cifar.Labels labels : List.of(Cifar.Labels.CIFAR10, Cifar.Labels.CIFAR100_FINE)) {
            ReaderOracle.acceptsEach(validSeeds(labels), dir, file -> read(file, labels));
        }
    }

    private static void read(Path file, Cifar.Labels labels) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            CifarBatch batch = CifarBatch.read(file, labels, arena);
            batch.label(batch.count() - 1);
            batch.pixels(batch.count() - 1);
        }
    }

    /** One record and three, with the highest labels the data set allows. */
    static Map<String, byte[]> validSeeds(Cifar.Labels labels) throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        int[] highest = labels == Cifar.Labels.CIFAR10 ? new int[] {9} : new int[] {19, 99};
        byte[] pixels = new byte[CifarBatch.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] one = SeedDatasetFiles.cifarRecord(pixels, highest);
        seeds.put("valid-one-record.bin", one);
        int[] low = labels == Cifar.Labels.CIFAR10 ? new int[] {0} : new int[] {0, 0};
        byte[] three = new byte[3 * one.length];
        System.arraycopy(SeedDatasetFiles.cifarRecord(new byte[CifarBatch.PIXELS], low), 0, three, 0, one.length);
        System.arraycopy(one, 0, three, one.length, one.length);
        System.arraycopy(one, 0, three, 2 * one.length, one.length);
        seeds.put("valid-three-records.bin", three);
        return seeds;
    }
}
