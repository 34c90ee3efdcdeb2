package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading root/&lt;class&gt;/*.png: pixel values, channels, labels, class order, resizing and every error. */
class ImageFolderTest {
    @TempDir
    Path root;
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("image folder test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** A gray PNG whose pixel (y, x) is {@code levels[y][x]}. */
    private static Path gray(Path file, int[][] levels) throws IOException {
        BufferedImage img = new BufferedImage(levels[0].length, levels.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < levels.length; y++) {
            for (int x = 0; x < levels[0].length; x++) {
                img.getRaster().setSample(x, y, 0, levels[y][x]);
            }
        }
        return write(file, img);
    }

    /** An RGB PNG whose pixel (y, x) is {@code rgb[y][x]} = 0xRRGGBB. */
    private static Path color(Path file, int[][] rgb) throws IOException {
        BufferedImage img = new BufferedImage(rgb[0].length, rgb.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                img.setRGB(x, y, rgb[y][x]);
            }
        }
        return write(file, img);
    }

    private static Path write(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        return file;
    }

    private static int[][] constant(int h, int w, int v) {
        int[][] a = new int[h][w];
        for (int[] row : a) {
            java.util.Arrays.fill(row, v);
        }
        return a;
    }

    /** All features and labels of {@code data} in example order. */
    private static float[] features(Dataset data, int[] labelsOut) {
        int[] order = ArrayDataset.identity(data.size());
        int[] shape = data.featureShape();
        Tensor x = Tensor.zeros(DType.FLOAT32, data.size(), shape[0], shape[1], shape[2]);
        Tensor y = Tensor.zeros(DType.INT32, data.size());
        data.fill(order, 0, data.size(), x, y);
        System.arraycopy(y.toIntArray(), 0, labelsOut, 0, data.size());
        return x.toFloatArray();
    }

    @Test
    void grayPixelsAreExactlyXOver255WithSortedClassLabels() throws IOException {
        int[][] all = new int[16][16];
        for (int v = 0; v < 256; v++) {
            all[v / 16][v % 16] = v;
        }
        gray(root.resolve("trousers/b.png"), all);
        gray(root.resolve("trousers/a.png"), constant(16, 16, 7));
        gray(root.resolve("coat/z.png"), constant(16, 16, 200));
        Files.writeString(root.resolve("coat/notes.txt"), "not an image");
        gray(root.resolve("coat/.hidden.png"), constant(3, 3, 1)); // skipped, so its size does not matter
        Files.writeString(root.resolve("README.md"), "a file beside the classes");

        ImageFolder data = ImageFolder.load(root);
        assertEquals(List.of("coat", "trousers"), data.classNames());
        assertEquals(2, data.classes());
        assertEquals(3, data.size());
        assertArrayEquals(new int[] {1, 16, 16}, data.featureShape());
        assertEquals(List.of(root.resolve("coat/z.png"), root.resolve("trousers/a.png"), root.resolve("trousers/b.png")),
                data.files());
        int[] labels = new int[3];
        float[] x = features(data, labels);
        assertArrayEquals(new int[] {0, 1, 1}, labels);
        assertArrayEquals(new int[] {0, 1, 1}, data.labels());
        assertEquals(200 / 255f, x[0]);
        assertEquals(7 / 255f, x[256]);
        for (int v = 0; v < 256; v++) {
            assertEquals(Float.floatToIntBits(v / 255f), Float.floatToIntBits(x[512 + v]), "level " + v);
        }
        assertEquals(0f, x[512]);
        assertEquals(1f, x[512 + 255]);
    }

    @Test
    void sixteenBitAndOneBitGrayAreScaledToEightBitLevels() throws IOException {
        BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 257 * 100, 65535});
        write(root.resolve("a/deep.png"), deep);
        BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 0, 1});
        write(root.resolve("b/binary.png"), binary);
        ImageFolder data = ImageFolder.load(root);
        assertArrayEquals(new int[] {1, 1, 3}, data.featureShape(), "both are gray");
        assertArrayEquals(new float[] {0, 100 / 255f, 1, 1, 0, 1}, features(data, new int[2]));
    }

    @Test
    void colorImagesGiveThreePlanarChannels() throws IOException {
        color(root.resolve("red/one.png"), new int[][] {{0x102030, 0x405060}, {0x708090, 0xA0B0C0}});
        ImageFolder data = ImageFolder.load(root);
        assertArrayEquals(new int[] {3, 2, 2}, data.featureShape());
        float[] x = features(data, new int[1]);
        float[] expect = {0x10, 0x40, 0x70, 0xA0, 0x20, 0x50, 0x80, 0xB0, 0x30, 0x60, 0x90, 0xC0};
        for (int i = 0; i < expect.length; i++) {
            expect[i] /= 255f;
        }
        assertArrayEquals(expect, x);
    }

    @Test
    void paletteImagesGiveTheirPaletteColoursAndGrayPalettesOneChannel() throws IOException {
        byte[] r = {0, (byte) 200, 10, 30};
        byte[] g = {0, 100, 20, 30};
        byte[] b = {0, 50, (byte) 255, 30};
        java.awt.image.IndexColorModel colours = new java.awt.image.IndexColorModel(2, 4, r, g, b);
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED, colours);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                img.getRaster().setSample(x, y, 0, (x + y) % 4);
            }
        }
        Path file = root.resolve("a/palette.png");
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
        ImageFolder data = ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults());
        assertArrayEquals(new int[] {3, 3, 5}, data.featureShape());
        float[] v = features(data, new int[1]);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                int i = (x + y) % 4;
                assertEquals((r[i] & 0xFF) / 255f, v[y * 5 + x], 0f);
                assertEquals((g[i] & 0xFF) / 255f, v[15 + y * 5 + x], 0f);
                assertEquals((b[i] & 0xFF) / 255f, v[30 + y * 5 + x], 0f);
            }
        }
        byte[] levels = {0, 64, (byte) 128, (byte) 255};
        BufferedImage grayPalette = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_INDEXED,
                new java.awt.image.IndexColorModel(2, 4, levels, levels, levels));
        for (int x = 0; x < 4; x++) {
            grayPalette.getRaster().setSample(x, 1, 0, x);
        }
        Path grayFile = root.resolve("a/gray-palette.png");
        assertTrue(ImageIO.write(grayPalette, "png", grayFile.toFile()));
        ImageFolder gray = ImageFolder.ofFiles(List.of(grayFile), ImageFolder.Options.defaults());
        assertArrayEquals(new int[] {1, 2, 4}, gray.featureShape());
        float[] gv = features(gray, new int[1]);
        for (int x = 0; x < 4; x++) {
            assertEquals((levels[x] & 0xFF) / 255f, gv[4 + x], 0f);
            assertEquals(0f, gv[x], 0f);
        }
    }

    @Test
    void mixedFoldersAreReadAsColourAndChannelsCanBeForced() throws IOException {
        gray(root.resolve("a/g.png"), new int[][] {{10, 20}});
        color(root.resolve("b/c.png"), new int[][] {{0xFF0000, 0x3C78B4}});
        ImageFolder mixed = ImageFolder.load(root);
        assertArrayEquals(new int[] {3, 1, 2}, mixed.featureShape());
        float[] x = features(mixed, new int[2]);
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f, 10 / 255f, 20 / 255f, 10 / 255f, 20 / 255f},
                java.util.Arrays.copyOfRange(x, 0, 6), "gray replicated to R, G, B");

        ImageFolder luma = ImageFolder.load(root, ImageFolder.Options.defaults().withChannels(1));
        assertArrayEquals(new int[] {1, 1, 2}, luma.featureShape());
        float[] l = features(luma, new int[2]);
        // (255·19595 + 2¹⁵) >> 16 = 76; (60·19595 + 120·38470 + 180·7471 + 2¹⁵) >> 16 = 109.
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f, 76 / 255f, 109 / 255f}, l);

        Files.delete(root.resolve("b/c.png"));
        gray(root.resolve("b/c.png"), new int[][] {{30, 40}});
        assertArrayEquals(new int[] {1, 1, 2}, ImageFolder.load(root).featureShape());
        assertArrayEquals(new int[] {3, 1, 2},
                ImageFolder.load(root, ImageFolder.Options.defaults().withChannels(3)).featureShape());
    }

    @Test
    void imagesAreResizedToATargetSize() throws IOException {
        gray(root.resolve("c/small.png"), new int[][] {{0, 100}, {200, 40}});
        gray(root.resolve("c/right.png"), constant(4, 4, 9));
        ImageFolder nearest = ImageFolder.load(root,
                ImageFolder.Options.defaults().resizedTo(4, 4, ImageFolder.Interpolation.NEAREST));
        float[] n = features(nearest, new int[2]);
        // right.png sorts first and is already 4×4; small.png becomes 2×2 blocks.
        float[] expectNearest = new float[32];
        java.util.Arrays.fill(expectNearest, 0, 16, 9 / 255f);
        int[] blocks = {0, 0, 100, 100, 0, 0, 100, 100, 200, 200, 40, 40, 200, 200, 40, 40};
        for (int i = 0; i < 16; i++) {
            expectNearest[16 + i] = blocks[i] / 255f;
        }
        assertArrayEquals(expectNearest, n);

        ImageFolder bilinear = ImageFolder.load(root,
                ImageFolder.Options.defaults().resizedTo(4, 4, ImageFolder.Interpolation.BILINEAR));
        float[] b = features(bilinear, new int[2]);
        // Source positions (dst + 0.5)/2 - 0.5, clamped: 0, 0.25, 0.75, 1 (edge). Row 0: 0, 25, 75, 100;
        // row 3: 200, 160, 80, 40; (1, 1) = 0.75·25 + 0.25·160 = 58.75 → 59; (2, 2) = 0.25·75 + 0.75·80 = 78.75 → 79.
        int[] expect = {0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40};
        for (int i = 0; i < 16; i++) {
            assertEquals(expect[i] / 255f, b[16 + i], "pixel " + i);
        }
    }

    @Test
    void everyProblemNamesItsFileOrFolder() throws IOException {
        ImageFolder.FormatException none = assertThrows(ImageFolder.FormatException.class,
                () -> ImageFolder.load(root));
        assertEquals(root + ": no class directories; expected root/<class name>/<image files>", none.getMessage());
        assertEquals(root, none.path());

        Path file = Files.writeString(root.resolve("plain.txt"), "x");
        assertEquals(file + ": not a directory; expected root/<class name>/<image files>",
                assertThrows(ImageFolder.FormatException.class, () -> ImageFolder.load(file)).getMessage());
        Files.delete(file);

        gray(root.resolve("a/one.png"), constant(2, 3, 5));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("b/readme.txt"), "no images here");
        ImageFolder.FormatException empty = assertThrows(ImageFolder.FormatException.class,
                () -> ImageFolder.load(root));
        assertEquals(root.resolve("b"), empty.path());
        assertTrue(empty.getMessage().startsWith(root.resolve("b") + ": class directory 'b' holds no images (looked for "),
                empty.getMessage());
        assertTrue(empty.getMessage().contains("png"), empty.getMessage());

        Path bad = root.resolve("b/broken.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ImageFolder.FormatException broken = assertThrows(ImageFolder.FormatException.class,
                () -> ImageFolder.load(root));
        assertEquals(bad, broken.path());
        assertTrue(broken.getMessage().startsWith(bad + ": "), broken.getMessage());
        Files.delete(bad);

        Path other = gray(root.resolve("b/other.png"), constant(3, 2, 5));
        ImageFolder.FormatException size = assertThrows(ImageFolder.FormatException.class,
                () -> ImageFolder.load(root));
        assertEquals(other + ": image is 2×3 (width×height) but " + root.resolve("a/one.png") + " is 3×2; all images "
                + "must share one size, or give a target size to resize them to", size.getMessage());
        assertEquals(2, ImageFolder.load(root, ImageFolder.Options.defaults()
                .resizedTo(2, 3, ImageFolder.Interpolation.NEAREST)).size());
    }

    @Test
    void optionsAreValidatedByName() {
        assertEquals("image folder: channels must be 0 (as stored), 1 or 3, got 2",
                assertThrows(IllegalArgumentException.class,
                        () -> ImageFolder.Options.defaults().withChannels(2)).getMessage());
        assertEquals("image folder: target height and width must be > 0, got 0×5",
                assertThrows(IllegalArgumentException.class, () -> ImageFolder.Options.defaults()
                        .resizedTo(0, 5, ImageFolder.Interpolation.BILINEAR)).getMessage());
        assertEquals("image folder: target height and width must both be > 0, or both 0 for no resizing, got 4×0",
                assertThrows(IllegalArgumentException.class, () -> new ImageFolder.Options(0, 4, 0,
                        ImageFolder.Interpolation.BILINEAR)).getMessage());
        assertEquals("image folder: interpolation must not be null", assertThrows(IllegalArgumentException.class,
                () -> new ImageFolder.Options(0, 0, 0, null)).getMessage());
    }

    /** A PNG whose header says {@code width} × {@code height} 8-bit gray, with a few bytes of data after it. */
    private static byte[] pngHeader(int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12 + 10 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(b, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(b, "IDAT", new byte[10]);
        chunk(b, "IEND", new byte[0]);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void chunk(java.nio.ByteBuffer b, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        b.putInt(data.length).put(t).put(data).putInt((int) crc.getValue());
    }

    @Test
    void aFortyThousandSquarePngIsRefusedFromItsHeader() throws IOException {
        Path file = root.resolve("a/huge.png");
        Files.createDirectories(file.getParent());
        Files.write(file, pngHeader(40000, 40000));
        String expected = file + ": the image is 40000×40000 pixels (width×height, from its header), more than the"
                + " 67108864 (8192×8192) an image may have";
        ImageFolder.FormatException e = assertThrows(ImageFolder.FormatException.class, () -> ImageFolder.load(root));
        assertEquals(expected, e.getMessage());
        assertEquals(file, e.path());
        // The files gatun predict is given go the same way.
        assertEquals(expected, assertThrows(ImageFolder.FormatException.class,
                () -> ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults())).getMessage());
    }

    @Test
    void imagesBeyondTheMemoryBudgetAreRefusedBeforeTheyAreDecoded() throws IOException {
        Path file = gray(root.resolve("a/big.png"), constant(1024, 1024, 7));
        long limit = dev.gatun.tensor.MemoryBudget.limit();
        dev.gatun.tensor.MemoryBudget.setLimit(1 << 20);
        try {
            var e = assertThrows(dev.gatun.tensor.MemoryBudgetException.class,
                    () -> ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults()));
            assertTrue(e.getMessage().startsWith("decoding " + file + " (1024×1024 pixels) after the images before it"
                    + " needs 7.00 MiB"), e.getMessage());
        } finally {
            dev.gatun.tensor.MemoryBudget.setLimit(limit);
        }
        assertEquals(1, ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults()).size());
    }

    @Test
    void anImageThatFitsAsBytesButNotServedAsFloatsIsRefusedNamingItsFile() throws IOException {
        Path file = gray(root.resolve("a/wide.png"), constant(1024, 1024, 7));
        long limit = dev.gatun.tensor.MemoryBudget.limit();
        dev.gatun.tensor.MemoryBudget.setLimit(10 << 20);
        try {
            var e = assertThrows(dev.gatun.tensor.MemoryBudgetException.class,
                    () -> ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults().withChannels(3)));
            assertTrue(e.getMessage().startsWith("1 images of 3×1024×1024 from " + file
                    + " (held as bytes, one served as float32) needs 15.00 MiB"), e.getMessage());
        } finally {
            dev.gatun.tensor.MemoryBudget.setLimit(limit);
        }
    }

    @Test
    void aTargetSizeTooLargeForOneArrayIsAFormatException() throws IOException {
        Path file = gray(root.resolve("a/small.png"), constant(2, 2, 7));
        ImageFolder.FormatException e = assertThrows(ImageFolder.FormatException.class, () -> ImageFolder.ofFiles(
                List.of(file), ImageFolder.Options.defaults().withChannels(3).resizedTo(100_000, 100_000,
                        ImageFolder.Interpolation.NEAREST)));
        assertEquals(file + ": 1 images of 3×100000×100000 hold 30000000000 values, more than one array can (2³¹)",
                e.getMessage());
    }
}
