package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RunFolder;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, rough edge 9: confusion-matrix counts are dark on light cells and light on dark ones. */
class ConfusionTextColourTest {
    private static final int DARK_CELL = 0x08306B;
    private static final int LIGHT_CELL = 0xF7FBFF;
    @TempDir
    Path dir;

    @Test
    void eachTextPixelComesFromTheDrawingThatContrastsWithItsCell() {
        // Two cells side by side, one dark and one light, each with a "digit" pixel at (1, 0) and (3, 0).
        BufferedImage cells = image(DARK_CELL, DARK_CELL, LIGHT_CELL, LIGHT_CELL);
        BufferedImage dark = image(DARK_CELL, 0x1A1A1A, LIGHT_CELL, 0x1A1A1A);
        BufferedImage light = image(DARK_CELL, 0xFFFFFF, LIGHT_CELL, 0xFFFFFF);

        BufferedImage out = CellText.compose(cells, dark, light);

        assertEquals(DARK_CELL, out.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, out.getRGB(1, 0) & 0xFFFFFF, "light text on the dark cell");
        assertEquals(LIGHT_CELL, out.getRGB(2, 0) & 0xFFFFFF);
        assertEquals(0x1A1A1A, out.getRGB(3, 0) & 0xFFFFFF, "dark text on the light cell");
    }

    @Test
    void theReportsConfusionMatrixHasNoOrangeTextAndBothTextColours() throws IOException {
        Path run = MetricsFixture.run(dir, "r", "", new double[][] {{1, 0.5, 1, 0.5, 0.1, 1, 10}}, null);
        // A strong diagonal (dark cells) and a few confusions (light cells).
        int[] truth = new int[300];
        int[] predicted = new int[300];
        for (int i = 0; i < 300; i++) {
            truth[i] = i % 3;
            predicted[i] = i % 50 == 0 ? (i + 1) % 3 : i % 3;
        }
        ConfusionMatrixFile.write(RunFolder.open(run), ConfusionMatrix.of(predicted, truth, 3), List.of("a", "b", "c"));
        ConfusionMatrixFile confusion = ConfusionMatrixFile.read(run);

        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ConfusionPlot.png(confusion)));

        int orange = 0;
        int whiteOnDark = 0;
        int darkOnLight = 0;
        for (int y = 1; y < png.getHeight() - 1; y++) {
            for (int x = 1; x < png.getWidth() - 1; x++) {
                int p = png.getRGB(x, y) & 0xFFFFFF;
                orange += near(p, 0xE6550D) ? 1 : 0;
                if (p == 0xFFFFFF && near(png.getRGB(x + 1, y) & 0xFFFFFF, DARK_CELL)) {
                    whiteOnDark++;
                }
                if (p == 0x1A1A1A && CellText.luminance(png.getRGB(x - 1, y)) > 0.6
                        && !near(png.getRGB(x - 1, y) & 0xFFFFFF, 0xFFFFFF)) {
                    darkOnLight++;
                }
            }
        }
        assertEquals(0, orange, "no orange text");
        assertTrue(whiteOnDark > 0, "light digits on the dark diagonal");
        assertTrue(darkOnLight > 0, "dark digits on the light cells");
    }

    private static boolean near(int a, int b) {
        Color x = new Color(a);
        Color y = new Color(b);
        return Math.abs(x.getRed() - y.getRed()) + Math.abs(x.getGreen() - y.getGreen())
                + Math.abs(x.getBlue() - y.getBlue()) < 24;
    }

    private static BufferedImage image(int... pixels) {
        BufferedImage image = new BufferedImage(pixels.length, 1, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < pixels.length; x++) {
            image.setRGB(x, 0, pixels[x]);
        }
        return image;
    }
}
