package dev.gatun.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * A decoded image's pixels as 8-bit planes (channel, row, column), a row at a time through the
 * JDK's bulk reads: a small file may hold tens of millions of pixels. Straight-line loops only,
 * which the fuzzer leaves uninstrumented ({@code make fuzz}): tracing every pixel's comparison
 * made one 825-byte GIF take longer than the 5 s an input may.
 */
final class ImagePlanes {
    private ImagePlanes() {}

    /** A palette image: {@code channels} 1 (a gray palette's level) or 3 (red, green, blue). */
    static byte[] palette(Raster raster, IndexColorModel palette, int channels) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = w * h;
        // Every index a pixel of this size can hold: past the palette's end, black.
        int entries = Math.max(palette.getMapSize(), 1 << Math.min(palette.getPixelSize(), 16));
        byte[][] levels = new byte[3][entries];
        for (int i = 0; i < palette.getMapSize(); i++) {
            levels[0][i] = (byte) palette.getRed(i);
            levels[1][i] = (byte) palette.getGreen(i);
            levels[2][i] = (byte) palette.getBlue(i);
        }
        byte[] out = new byte[channels * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int c = 0; c < channels; c++) {
                byte[] level = levels[c];
                int at = c * plane + y * w;
                for (int x = 0; x < w; x++) {
                    out[at + x] = level[row[x]];
                }
            }
        }
        return out;
    }

    /** One gray channel of {@code bits} bits per sample, scaled to 8 (the stored levels, not getRGB's gamma). */
    static byte[] gray(Raster raster, int bits) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        long max = (1L << bits) - 1;
        byte[] gray = new byte[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            int at = y * w;
            if (bits == 8) {
                for (int x = 0; x < w; x++) {
                    gray[at + x] = (byte) row[x];
                }
            } else {
                for (int x = 0; x < w; x++) {
                    gray[at + x] = (byte) ((row[x] * 255 + max / 2) / max);
                }
            }
        }
        return gray;
    }

    /** Three planes, red, green and blue, through the image's own colour model. */
    static byte[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] rgb = new byte[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int at = y * w;
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                rgb[at + x] = (byte) (argb >> 16);
                rgb[plane + at + x] = (byte) (argb >> 8);
                rgb[2 * plane + at + x] = (byte) argb;
            }
        }
        return rgb;
    }
}
