package dev.gatun.report;

import java.awt.image.BufferedImage;

/**
 * Numbers over heat-map cells in the colour each cell needs: light text on dark cells, dark text
 * on light ones. XChart draws every value in one colour, so the chart is drawn three times (without
 * values, with dark values, with light values) and each text pixel is taken from the drawing whose
 * colour contrasts with the cell under it.
 */
final class CellText {
    /** Cells darker than this relative luminance get light text. */
    static final double DARK_CELL = 0.4;

    private CellText() {}

    /**
     * The drawing with each value in the colour that reads on its cell.
     *
     * @param cells the chart without values
     * @param darkText the chart with its values in a dark colour
     * @param lightText the chart with its values in a light colour
     * @return a new image: {@code cells} with the text of whichever drawing contrasts with each pixel's cell
     */
    static BufferedImage compose(BufferedImage cells, BufferedImage darkText, BufferedImage lightText) {
        int w = cells.getWidth();
        int h = cells.getHeight();
        if (darkText.getWidth() != w || lightText.getWidth() != w || darkText.getHeight() != h
                || lightText.getHeight() != h) {
            throw new IllegalArgumentException("the three drawings differ in size");
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int bg = cells.getRGB(x, y);
                int dark = darkText.getRGB(x, y);
                int light = lightText.getRGB(x, y);
                boolean text = dark != bg || light != bg;
                out.setRGB(x, y, !text ? bg : luminance(bg) < DARK_CELL ? light : dark);
            }
        }
        return out;
    }

    /** The relative luminance of an sRGB colour, 0 (black) to 1 (white), as WCAG defines it. */
    static double luminance(int rgb) {
        return 0.2126 * linear(rgb >> 16 & 0xFF) + 0.7152 * linear(rgb >> 8 & 0xFF) + 0.0722 * linear(rgb & 0xFF);
    }

    private static double linear(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
