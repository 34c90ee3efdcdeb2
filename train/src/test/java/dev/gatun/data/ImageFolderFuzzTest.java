package dev.gatun.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes image decoding: any file (named {@code .png}, though ImageIO goes by its content) is read
 * as an unlabelled image ({@link ImageFolder#ofFiles}) and, resized to 4×4 gray, as the one image
 * of a folder's class ({@link ImageFolder#load}), and its first batch served; or refused with an
 * {@link ImageFolder.FormatException} (or a {@link MemoryBudgetException}) naming it, as
 * {@link ReaderOracle} checks. The seeds in {@code ImageFolderFuzzTestInputs/decodes/} run as
 * regression tests; {@code make fuzz} fuzzes.
 */
class ImageFolderFuzzTest {
    private static final String FILE = "fuzz-input.png";
    /** PNG colour types. */
    private static final byte PNG_GRAY = 0;
    private static final byte PNG_RGB = 2;

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(ImageFolderFuzzTest.class, "decodes", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
            seeds.putAll(issueSeeds());
            return seeds;
        });
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void decodes(byte[] input) throws IOException {
        Path file = dir.resolve("class").resolve(FILE);
        Files.createDirectories(file.getParent());
        Files.write(file, input);
        ReaderOracle.check(FILE, () -> FirstBatch.load(ImageFolder.ofFiles(List.of(file), ImageFolder.Options.defaults())),
                ImageFolder.FormatException.class, MemoryBudgetException.class);
        ReaderOracle.check(FILE, () -> FirstBatch.load(ImageFolder.load(dir, ImageFolder.Options.defaults()
                .withChannels(1).resizedTo(4, 4, ImageFolder.Interpolation.BILINEAR))),
                ImageFolder.FormatException.class, MemoryBudgetException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        ReaderOracle.acceptsEach(validSeeds(), dir, file -> FirstBatch.load(ImageFolder.ofFiles(List.of(file),
                ImageFolder.Options.defaults().resizedTo(3, 5, ImageFolder.Interpolation.NEAREST))));
    }

    /** Small images as ImageIO writes them: gray and colour PNG, a palette GIF, a BMP and a JPEG. */
    static Map<String, byte[]> validSeeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-gray.png", encode(image(BufferedImage.TYPE_BYTE_GRAY), "png"));
        seeds.put("valid-gray16.png", encode(image(BufferedImage.TYPE_USHORT_GRAY), "png"));
        seeds.put("valid-rgba.png", encode(image(BufferedImage.TYPE_INT_ARGB), "png"));
        seeds.put("valid-palette.gif", encode(image(BufferedImage.TYPE_BYTE_INDEXED), "gif"));
        seeds.put("valid-rgb.bmp", encode(image(BufferedImage.TYPE_3BYTE_BGR), "bmp"));
        seeds.put("valid-rgb.jpg", encode(image(BufferedImage.TYPE_3BYTE_BGR), "jpg"));
        return seeds;
    }

    /**
     * Files that once failed (issue 15): PNGs of 60 bytes whose header claims 40000×40000 pixels,
     * gray (ImageIO allocates 1.5 GiB before it finds the data missing) and RGB.
     */
    static Map<String, byte[]> issueSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("issue15-40000x40000-gray.png", pngHeaderOnly(40000, 40000, PNG_GRAY));
        seeds.put("issue15-40000x40000-rgb.png", pngHeaderOnly(40000, 40000, PNG_RGB));
        return seeds;
    }


    private static BufferedImage image(int type) {
        BufferedImage img = new BufferedImage(6, 4, type);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                img.setRGB(x, y, (x * 40) << 16 | (y * 60) << 8 | (x + y) * 20 | 0xFF000000);
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("ImageIO has no " + format + " writer for this image");
        }
        return out.toByteArray();
    }

    /**
     * A PNG signature, an IHDR of {@code width}×{@code height} 8 bits per sample of colour type
     * {@code colour}, an IDAT holding one compressed zero byte, and IEND: a decoder that trusts the
     * header allocates the whole image.
     */
    private static byte[] pngHeaderOnly(int width, int height, byte colour) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put(colour)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1]);
        deflater.finish();
        byte[] idat = new byte[64];
        idat = java.util.Arrays.copyOf(idat, deflater.deflate(idat));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
