package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FashionMnist location and loading; named Idx* so it runs with the IDX tests. */
class IdxFashionMnistTest {
    @TempDir
    Path dir;

    /** A tiny fake data set: {@code n} 2x3 images per split, labels i % 10. */
    private Path fakeDataSet(Path where, int n, boolean gzip) throws IOException {
        Files.createDirectories(where);
        byte[] pixels = new byte[n * 6];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            pixels[i * 6] = (byte) i;
        }
        for (String[] f : new String[][] {
                {FashionMnist.TRAIN_IMAGES, "i"}, {FashionMnist.TEST_IMAGES, "i"},
                {FashionMnist.TRAIN_LABELS, "l"}, {FashionMnist.TEST_LABELS, "l"}}) {
            byte[] raw = f[1].equals("i")
                    ? IdxFileTest.idx(0x08, new int[] {n, 2, 3}, pixels)
                    : IdxFileTest.idx(0x08, new int[] {n}, labels);
            Files.write(where.resolve(gzip ? f[0] + ".gz" : f[0]), gzip ? IdxFileTest.gzip(raw) : raw);
        }
        return where;
    }

    @Test
    void locateOrder() throws IOException {
        Path a = fakeDataSet(dir.resolve("a"), 3, false);
        Path b = fakeDataSet(dir.resolve("b"), 3, true);
        Path c = fakeDataSet(dir.resolve("c"), 3, false);
        Path none = dir.resolve("none");
        assertEquals(a, FashionMnist.locate(a, b.toString(), c.toString(), none));
        assertEquals(b, FashionMnist.locate(null, b.toString(), c.toString(), none));
        assertEquals(c, FashionMnist.locate(null, null, c.toString(), none));
        assertEquals(c, FashionMnist.locate(null, "${gatun.data}", c.toString(), none));
        assertEquals(c, FashionMnist.locate(null, none.toString(), c.toString(), none));
        assertEquals(a, FashionMnist.locate(null, "", " ", a));
    }

    @Test
    void notFoundListsPlacesAndHowToInstall() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path partial = dir.resolve("partial");
        fakeDataSet(partial, 2, false);
        Files.delete(partial.resolve(FashionMnist.TEST_LABELS));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> FashionMnist.locate(null, partial.toString(), null, empty));
        String m = e.getMessage();
        assertTrue(m.contains(partial + ": missing " + FashionMnist.TEST_LABELS + "[.gz]"), m);
        assertTrue(m.contains("GATUN_DATA: not set"), m);
        assertTrue(m.contains(empty.toString()), m);
        assertTrue(m.contains("install with `apt-get install dataset-fashion-mnist` (Debian) or download the four"
                + " IDX files of Fashion-MNIST and pass `--data DIR` (or set GATUN_DATA)"), m);
    }

    @Test
    void explicitDirDoesNotFallBack() throws IOException {
        Path good = fakeDataSet(dir.resolve("good"), 2, false);
        Path typo = dir.resolve("typo");
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> FashionMnist.locate(typo, good.toString(), null, good));
        assertTrue(e.getMessage().contains("--data " + typo + ": does not exist"), e.getMessage());
    }

    @Test
    void filePrefersPlainThenGz() throws IOException {
        Path d = fakeDataSet(dir.resolve("gz"), 2, true);
        assertEquals(d.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), FashionMnist.file(d, FashionMnist.TRAIN_IMAGES));
        Files.copy(d.resolve(FashionMnist.TRAIN_IMAGES + ".gz"), d.resolve(FashionMnist.TRAIN_IMAGES));
        assertEquals(d.resolve(FashionMnist.TRAIN_IMAGES), FashionMnist.file(d, FashionMnist.TRAIN_IMAGES));
        assertThrows(FileNotFoundException.class, () -> FashionMnist.file(d, "other"));
    }

    @Test
    void loadsFakeSplits() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path d = fakeDataSet(dir.resolve("s" + gzip), 12, gzip);
            try (Arena arena = Arena.ofConfined()) {
                FashionMnist.Split s = FashionMnist.Split.load(d, false, arena);
                assertEquals(12, s.count());
                assertEquals(2, s.rows());
                assertEquals(3, s.cols());
                assertEquals(1, s.label(11));
                assertEquals(6, s.image(11).byteSize());
                assertEquals(11, s.image(11).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            }
        }
    }

    @Test
    void splitValidation() throws IOException {
        Path d = fakeDataSet(dir.resolve("bad"), 4, false);
        Path labels = d.resolve(FashionMnist.TRAIN_LABELS);
        try (Arena arena = Arena.ofConfined()) {
            Files.write(labels, IdxFileTest.idx(0x08, new int[] {4}, new byte[] {0, 1, 10, 2}));
            String m = assertThrows(IdxFormatException.class, () -> FashionMnist.Split.load(d, true, arena)).getMessage();
            assertTrue(m.contains("label 2 is 10, expected a class in 0..9"), m);

            Files.write(labels, IdxFileTest.idx(0x08, new int[] {3}, new byte[3]));
            m = assertThrows(IdxFormatException.class, () -> FashionMnist.Split.load(d, true, arena)).getMessage();
            assertTrue(m.contains("holds 3 labels but") && m.contains("holds 4 images"), m);

            Files.write(labels, IdxFileTest.idx(0x08, new int[] {4, 1}, new byte[4]));
            m = assertThrows(IdxFormatException.class, () -> FashionMnist.Split.load(d, true, arena)).getMessage();
            assertTrue(m.contains("expected 1-D UBYTE labels, found 2-D UBYTE"), m);

            Files.write(d.resolve(FashionMnist.TRAIN_IMAGES), IdxFileTest.idx(0x09, new int[] {4, 1, 1}, new byte[4]));
            m = assertThrows(IdxFormatException.class, () -> FashionMnist.Split.load(d, true, arena)).getMessage();
            assertTrue(m.contains("expected 3-D UBYTE images") && m.contains("found 3-D BYTE"), m);
        }
    }

    @Test
    void realTestSplit() throws IOException {
        Path d;
        try {
            d = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist or set GATUN_DATA): "
                    + e.getMessage());
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            FashionMnist.Split test = FashionMnist.Split.load(d, false, arena);
            assertArrayEquals(new int[] {10000, 28, 28}, test.images().dims());
            assertArrayEquals(new int[] {10000}, test.labels().dims());
            int[] histogram = new int[FashionMnist.CLASSES];
            for (int i = 0; i < test.count(); i++) {
                histogram[test.label(i)]++;
            }
            int[] expected = new int[FashionMnist.CLASSES];
            java.util.Arrays.fill(expected, 1000);
            assertArrayEquals(expected, histogram);
        }
    }
}
