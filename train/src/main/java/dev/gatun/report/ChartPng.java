package dev.gatun.report;

import dev.gatun.train.metrics.RunFolder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.internal.chartpart.IChart;

/** Charts and images encoded as PNG and written atomically into a folder. */
final class ChartPng {
    /** Size of every curve and histogram chart, in pixels. */
    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    private ChartPng() {}

    /** The chart as PNG bytes (ChartEncoder: BitmapEncoder's byte and stream methods are deprecated in XChart 4). */
    static byte[] encode(IChart chart) throws IOException {
        return ChartEncoder.getBytes(chart, "png");
    }

    static byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available in this JVM");
        }
        return out.toByteArray();
    }

    /** Encodes the chart and writes it to {@code dir/fileName}; returns the bytes, for embedding. */
    static byte[] write(Path dir, String fileName, IChart chart) throws IOException {
        return write(dir, fileName, encode(chart));
    }

    static byte[] write(Path dir, String fileName, byte[] png) throws IOException {
        Files.createDirectories(dir);
        RunFolder.open(dir).writeAtomically(fileName, png);
        return png;
    }
}
