package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EMNIST's files: transposed images turned upright, 1-based letters, names from the mapping file. */
class IdxEmnistTest {
    @TempDir
    Path dir;

    /** An "L" of 4×4: a column down the left and the bottom row; no symmetry maps it onto its transpose. */
    private static final byte[] L_SHAPE = {
        (byte) 255, 0, 0, 0,
        (byte) 255, 0, 0, 0,
        (byte) 255, 0, 0, 0,
        (byte) 255, (byte) 200, (byte) 100, 50};

    @Test
    void imagesAreTurnedUpright() throws IOException {
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.BALANCED, true, new byte[][] {L_SHAPE, new byte[16]}, 4,
                new int[] {46, 0});
        // The file itself holds the transpose: the bar of the L lies along the first row.
        byte[] stored = Files.readAllBytes(dir.resolve("emnist-balanced-train-images-idx3-ubyte"));
        assertEquals((byte) 255, stored[16 + 3]);
        assertEquals((byte) 50, stored[16 + 15]);
        assertEquals((byte) 100, stored[16 + 11]);
        try (Scope s = Scope.open("emnist")) {
            IdxImages images = Emnist.load(dir, Emnist.Split.BALANCED, true, s.arena());
            ImageDataset data = new ImageDataset(images, 1, 4, 4);
            assertEquals(47, data.classes());
            Tensor x = Tensor.zeros(DType.FLOAT32, 2, 1, 4, 4);
            Tensor y = Tensor.zeros(DType.INT32, 2);
            data.fill(new int[] {0, 1}, 0, 2, x, y);
            float[] got = x.toFloatArray();
            for (int p = 0; p < 16; p++) {
                assertEquals((L_SHAPE[p] & 0xFF) / 255f, got[p], "pixel " + p);
                assertEquals(0f, got[16 + p]);
            }
            assertArrayEquals(new int[] {46, 0}, y.toIntArray());
        }
    }

    @Test
    void lettersAreShiftedToStartAtZero() throws IOException {
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.LETTERS, false, new byte[][] {L_SHAPE, L_SHAPE, L_SHAPE}, 4,
                new int[] {1, 26, 13});
        try (Arena arena = Arena.ofConfined()) {
            IdxImages images = Emnist.load(dir, Emnist.Split.LETTERS, false, arena);
            assertEquals(26, images.classes());
            assertEquals(List.of(0, 25, 12), List.of(images.label(0), images.label(1), images.label(2)));
        }
    }

    @Test
    void labelsOutsideTheSplitAreRefusedNamingTheFile() throws IOException {
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.LETTERS, true, new byte[][] {L_SHAPE, L_SHAPE}, 4, new int[] {3, 0});
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.BALANCED, true, new byte[][] {L_SHAPE}, 4, new int[] {47});
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.BYCLASS, true, new byte[][] {L_SHAPE}, 4, new int[] {61});
        try (Arena arena = Arena.ofConfined()) {
            IdxFormatException letters = assertThrows(IdxFormatException.class,
                    () -> Emnist.load(dir, Emnist.Split.LETTERS, true, arena));
            assertEquals(dir.resolve("emnist-letters-train-labels-idx1-ubyte") + ": label 1 is 0, expected a class in 1..26",
                    letters.getMessage());
            IdxFormatException balanced = assertThrows(IdxFormatException.class,
                    () -> Emnist.load(dir, Emnist.Split.BALANCED, true, arena));
            assertEquals(dir.resolve("emnist-balanced-train-labels-idx1-ubyte") + ": label 0 is 47, expected a class in 0..46",
                    balanced.getMessage());
            assertEquals(61, Emnist.load(dir, Emnist.Split.BYCLASS, true, arena).label(0));
        }
    }

    @Test
    void nonSquareImagesCannotBeTransposed() throws IOException {
        SeedDatasetFiles.writeIdx(dir.resolve("emnist-digits-test-images-idx3-ubyte"), new int[] {1, 2, 3}, new byte[6]);
        SeedDatasetFiles.writeIdx(dir.resolve("emnist-digits-test-labels-idx1-ubyte"), new int[] {1}, new byte[1]);
        try (Arena arena = Arena.ofConfined()) {
            IdxFormatException e = assertThrows(IdxFormatException.class,
                    () -> Emnist.load(dir, Emnist.Split.DIGITS, false, arena));
            assertEquals(dir.resolve("emnist-digits-test-images-idx3-ubyte")
                    + ": expected square images to transpose, found 2x3", e.getMessage());
        }
    }

    @Test
    void gzippedFilesReadAlike() throws IOException {
        SeedDatasetFiles.writeEmnist(dir, Emnist.Split.MNIST, true, new byte[][] {L_SHAPE}, 4, new int[] {7});
        for (String f : List.of("emnist-mnist-train-images-idx3-ubyte", "emnist-mnist-train-labels-idx1-ubyte")) {
            Files.write(dir.resolve(f + ".gz"), IdxFileTest.gzip(Files.readAllBytes(dir.resolve(f))));
            Files.delete(dir.resolve(f));
        }
        try (Arena arena = Arena.ofConfined()) {
            IdxImages images = Emnist.load(dir, Emnist.Split.MNIST, true, arena);
            byte[] upright = new byte[16];
            images.pixels(0, upright);
            assertArrayEquals(L_SHAPE, upright);
            assertEquals(7, images.label(0));
        }
    }

    @Test
    void classNamesComeFromTheMappingFile() throws IOException {
        Path balanced = Files.writeString(dir.resolve("emnist-balanced-mapping.txt"), mapping(47, 0, false));
        List<String> names = Emnist.classNames(balanced, Emnist.Split.BALANCED);
        assertEquals(47, names.size());
        assertEquals("0", names.get(0));
        assertEquals("9", names.get(9));
        assertEquals("A", names.get(10));
        // Letters lists the upper and the lower case of each of its 1-based labels.
        Path letters = Files.writeString(dir.resolve("emnist-letters-mapping.txt"), mapping(26, 1, true));
        List<String> letterNames = Emnist.classNames(letters, Emnist.Split.LETTERS);
        assertEquals("A/a", letterNames.getFirst());
        assertEquals("Z/z", letterNames.getLast());
        assertEquals(26, letterNames.size());
    }

    @Test
    void badMappingLinesAreRefusedNamingFileAndLine() throws IOException {
        String good = mapping(10, 0, false);
        assertMappingError(good.replace("3 51", "three 51"), "line 4: label 'three' is not a whole number");
        assertMappingError(good.replace("3 51", "3"), "line 4 is '3', expected 'label code' (e.g. '0 48')");
        assertMappingError(good.replace("3 51", "3 x"), "line 4: character code 'x' is not a whole number");
        assertMappingError(good.replace("3 51", "3 10"), "line 4 has character code 10, not a printable character");
        assertMappingError(good.replace("3 51", "10 51"), "line 4 has label 10, expected 0..9 for the digits split");
        assertMappingError(good.replace("3 51", "2 51"), "line 4 repeats label 2");
        assertMappingError(good.replace("3 51\n", ""), "has no line for label 3; the digits split has 10 classes");
        assertMappingError(good.replace("3 51\n", "\n"), "line 4 is '', expected 'label code' (e.g. '0 48')");
        Path missing = dir.resolve("emnist-digits-mapping.txt");
        Files.deleteIfExists(missing);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Emnist.classNames(missing, Emnist.Split.DIGITS));
        assertEquals(missing + ": file not found", e.getMessage());
    }

    @Test
    void splitsHaveTheirClassCounts() {
        assertEquals(List.of("balanced", "byclass", "bymerge", "letters", "digits", "mnist"), Emnist.Split.names());
        assertEquals(List.of(47, 62, 47, 26, 10, 10), java.util.Arrays.stream(Emnist.Split.values())
                .map(Emnist.Split::classes).toList());
        assertEquals(Emnist.Split.BYMERGE, Emnist.Split.of("bymerge"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Emnist.Split.of("Letters"));
        assertEquals("unknown EMNIST split 'Letters' (known: balanced, byclass, bymerge, letters, digits, mnist)",
                e.getMessage());
    }

    private void assertMappingError(String text, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("emnist-digits-mapping.txt"), text);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Emnist.classNames(file, Emnist.Split.DIGITS));
        assertEquals(file + ": " + problem, e.getMessage());
    }

    /** Digits then upper case letters (the first {@code classes}), or letters with their lower case. */
    static String mapping(int classes, int first, boolean lowerToo) {
        String symbols = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt";
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < classes; c++) {
            int code = lowerToo ? 'A' + c : symbols.charAt(c);
            sb.append(c + first).append(' ').append(code);
            if (lowerToo) {
                sb.append(' ').append('a' + c);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
