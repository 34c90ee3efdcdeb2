package dev.gatun.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.io.FileTooLargeException;
import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the readers of class names: EMNIST's mapping file ({@link Emnist#classNames}, as the
 * balanced split) in {@code emnistMapping}, and CIFAR's name lists ({@link ClassNamesFile#read},
 * ten names) in {@code cifarNames}. Any text is read or refused naming the file, as
 * {@link ReaderOracle} checks. The seeds in {@code ClassNamesFuzzTestInputs/<method>/} run as
 * regression tests; {@code make fuzz} fuzzes.
 */
class ClassNamesFuzzTest {
    private static final String FILE = "fuzz-input-mapping.txt";

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(ClassNamesFuzzTest.class, "emnistMapping", ClassNamesFuzzTest::mappingSeeds);
        SeedCorpus.writeIfAsked(ClassNamesFuzzTest.class, "cifarNames", ClassNamesFuzzTest::namesSeeds);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void emnistMapping(byte[] input) throws IOException {
        Path file = Files.write(dir.resolve(FILE), input);
        ReaderOracle.check(FILE, () -> readMapping(file), DatasetFormatException.class, FileTooLargeException.class,
                MalformedUtf8Exception.class);
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void cifarNames(byte[] input) throws IOException {
        Path file = Files.write(dir.resolve(FILE), input);
        ReaderOracle.check(FILE, () -> readNames(file), DatasetFormatException.class, FileTooLargeException.class,
                MalformedUtf8Exception.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        ReaderOracle.acceptsEach(mappingSeeds(), dir, ClassNamesFuzzTest::readMapping);
        ReaderOracle.acceptsEach(namesSeeds(), dir, ClassNamesFuzzTest::readNames);
    }

    private static void readMapping(Path file) throws IOException {
        Emnist.classNames(file, Emnist.Split.BALANCED);
    }

    private static void readNames(Path file) throws IOException {
        ClassNamesFile.read(file, 10);
    }

    /** The balanced split's mapping: digits, then letters as EMNIST lists them. */
    static Map<String, byte[]> mappingSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-emnist-balanced-mapping.txt", IdxEmnistTest.mapping(47, 0, false)
                .getBytes(StandardCharsets.UTF_8));
        seeds.put("valid-emnist-balanced-mapping-crlf.txt", IdxEmnistTest.mapping(47, 0, false).replace("\n", "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return seeds;
    }

    /** CIFAR-10's batches.meta.txt, with the blank line it ends in. */
    static Map<String, byte[]> namesSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-batches.meta.txt", (String.join("\n", CifarTest.CIFAR10_NAMES) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        return seeds;
    }
}
