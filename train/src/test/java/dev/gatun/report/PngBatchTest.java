package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images encoded together: every file written with the bytes returned, in order; failures surface. */
class PngBatchTest {
    @TempDir
    Path dir;

    private static byte[] square(int size, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return ChartPng.encode(image);
    }

    @Test
    void writesEveryImageAndReturnsItsBytesInOrder() throws IOException {
        PngBatch batch = new PngBatch(dir);
        List<String> names = List.of("c.png", "a.png", "b.png", "d.png", "e.png");
        for (int i = 0; i < names.size(); i++) {
            int size = 3 + i;
            batch.add(names.get(i), () -> square(size, 0x102030 * size));
        }
        Map<String, byte[]> written = batch.write();
        assertEquals(names, List.copyOf(written.keySet()));
        for (int i = 0; i < names.size(); i++) {
            byte[] png = written.get(names.get(i));
            assertArrayEquals(png, Files.readAllBytes(dir.resolve(names.get(i))));
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(3 + i, back.getWidth());
            assertEquals((0x102030 * (3 + i)) & 0xFFFFFF, back.getRGB(1, 1) & 0xFFFFFF);
        }
    }

    @Test
    void anEncodersFailureReachesTheCallerAndNamesAreUnique() throws IOException {
        PngBatch batch = new PngBatch(dir);
        batch.add("good.png", () -> square(2, 0));
        batch.add("bad.png", () -> {
            throw new IOException("bad.png: no data");
        });
        assertEquals("bad.png: no data", assertThrows(IOException.class, batch::write).getMessage());
        assertFalse(Files.exists(dir.resolve("bad.png")));
        assertThrows(IllegalArgumentException.class, () -> batch.add("good.png", () -> square(2, 0)));
    }
}
