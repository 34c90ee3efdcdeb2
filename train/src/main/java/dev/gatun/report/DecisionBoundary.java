package dev.gatun.report;

import dev.gatun.autograd.Autograd;
import dev.gatun.data.Dataset;
import dev.gatun.nn.Module;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The decision regions of a classifier over 2-D data, as a PNG: the model's predicted class on
 * a grid covering the data (plus a margin) in pale colours, the examples on top in the strong
 * colour of their true class. Drawn with Java2D rather than XChart so each grid cell maps to an
 * exact rectangle of pixels.
 */
public final class DecisionBoundary {
    /** The picture's width in pixels. */
    public static final int WIDTH = 800;
    /** The picture's height in pixels. */
    public static final int HEIGHT = 640;
    /** Grid cells per axis. */
    static final int GRID = 200;
    /** The plot area inside the image: left, top, width, height. */
    static final Rectangle PLOT = new Rectangle(70, 50, WIDTH - 70 - 160, HEIGHT - 50 - 60);
    /** Space around the data, as a fraction of its extent on each axis. */
    private static final double MARGIN = 0.1;
    private static final int BATCH = 4096;
    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
        new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
        new Color(0xBCBD22), new Color(0x17BECF)};

    /** The data's extent with the margin: what the plot area shows. */
    record Bounds(double xMin, double xMax, double yMin, double yMax) {}

    private DecisionBoundary() {}

    /**
     * {@link #write(Path, Module, Dataset, List)} with classes named by their index.
     *
     * @param png the PNG file to write
     * @param model a model of 2 inputs
     * @param data the data set drawn, 2 features and int32 class labels
     * @return the file written
     * @throws IOException when the file cannot be written
     */
    public static Path write(Path png, Module model, Dataset data) throws IOException {
        return write(png, model, data, null);
    }

    /**
     * Evaluates {@code model} (no-grad, evaluation mode, in its own scope; its mode is restored)
     * over the data's extent and writes the picture to {@code png} atomically. A model with one
     * output is read as a binary logit (class 1 where it is > 0); otherwise the class is the
     * argmax of its outputs.
     *
     * @param png the PNG file to write
     * @param model a model of 2 inputs
     * @param data the data set drawn, 2 features and int32 class labels
     * @param classNames one name per class for the legend, or null for "class 0", "class 1"...
     * @return the file written
     * @throws IllegalArgumentException unless the data has exactly 2 features and int32 class labels
     * @throws IOException when the file cannot be written
     */
    public static Path write(Path png, Module model, Dataset data, List<String> classNames) throws IOException {
        if (!Arrays.equals(data.featureShape(), new int[] {2})) {
            throw new IllegalArgumentException("a decision boundary needs exactly 2 features per example, got feature shape "
                    + Arrays.toString(data.featureShape()));
        }
        if (data.targetDType() != DType.INT32 || data.classes() < 1) {
            throw new IllegalArgumentException("a decision boundary needs int32 class labels, got "
                    + data.targetDType() + " targets and " + data.classes() + " classes");
        }
        if (data.size() < 1) {
            throw new IllegalArgumentException("a decision boundary needs at least one example, the data set is empty");
        }
        if (classNames != null && classNames.size() != data.classes()) {
            throw new IllegalArgumentException("the data set has " + data.classes() + " classes but " + classNames.size()
                    + " class names were given");
        }
        BufferedImage image = render(model, data, classNames);
        Path target = png.toAbsolutePath().normalize();
        ChartPng.write(target.getParent(), target.getFileName().toString(), ChartPng.encode(image));
        return target;
    }

    static BufferedImage render(Module model, Dataset data, List<String> classNames) {
        int n = data.size();
        float[] points;
        int[] labels;
        int[] regions;
        Bounds bounds;
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (Scope scope = Scope.open("decision boundary"); Autograd.NoGrad ignored = Autograd.noGrad()) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            Tensor features = Tensor.zeros(DType.FLOAT32, n, 2);
            Tensor targets = Tensor.zeros(DType.INT32, n);
            data.fill(all, 0, n, features, targets);
            points = features.toFloatArray();
            labels = targets.toIntArray();
            bounds = bounds(points);
            regions = predictGrid(model, bounds);
        } finally {
            model.train(wasTraining);
        }
        return draw(points, labels, regions, bounds, data.classes(), classNames);
    }

    static Bounds bounds(float[] points) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < points.length; i += 2) {
            if (Float.isFinite(points[i]) && Float.isFinite(points[i + 1])) {
                xMin = Math.min(xMin, points[i]);
                xMax = Math.max(xMax, points[i]);
                yMin = Math.min(yMin, points[i + 1]);
                yMax = Math.max(yMax, points[i + 1]);
            }
        }
        if (xMin > xMax) {
            throw new IllegalArgumentException("a decision boundary needs finite features; every example has NaN or infinity");
        }
        double dx = xMax > xMin ? (xMax - xMin) * MARGIN : 1;
        double dy = yMax > yMin ? (yMax - yMin) * MARGIN : 1;
        return new Bounds(xMin - dx, xMax + dx, yMin - dy, yMax + dy);
    }

    /** The predicted class of each grid cell, row-major from the top-left cell. */
    private static int[] predictGrid(Module model, Bounds b) {
        int cells = GRID * GRID;
        int[] classes = new int[cells];
        for (int from = 0; from < cells; from += BATCH) {
            int count = Math.min(BATCH, cells - from);
            float[] xy = new float[count * 2];
            for (int k = 0; k < count; k++) {
                int row = (from + k) / GRID;
                int col = (from + k) % GRID;
                xy[2 * k] = (float) (b.xMin() + (col + 0.5) * (b.xMax() - b.xMin()) / GRID);
                xy[2 * k + 1] = (float) (b.yMax() - (row + 0.5) * (b.yMax() - b.yMin()) / GRID);
            }
            try (Scope step = Scope.open("decision boundary batch")) {
                Tensor out = model.forward(Tensor.of(xy, count, 2).to(model.device()));
                if (out.rank() != 2 || out.dim(0) != count) {
                    throw new IllegalArgumentException("a decision boundary needs a model mapping [N, 2] to [N, classes], got "
                            + out.describe() + " for " + count + " inputs");
                }
                int[] predicted;
                if (out.dim(1) == 1) {
                    float[] logits = out.toFloatArray();
                    predicted = new int[count];
                    for (int k = 0; k < count; k++) {
                        predicted[k] = logits[k] > 0 ? 1 : 0;
                    }
                } else {
                    predicted = out.argmax().toIntArray();
                }
                System.arraycopy(predicted, 0, classes, from, count);
            }
        }
        return classes;
    }

    /** The strong colour of a class (cycling after ten). */
    static Color strong(int c) {
        return PALETTE[Math.floorMod(c, PALETTE.length)];
    }

    /** The pale colour of a class's region: its strong colour 65% of the way to white. */
    static Color pale(int c) {
        Color s = strong(c);
        return new Color(blend(s.getRed()), blend(s.getGreen()), blend(s.getBlue()));
    }

    private static int blend(int channel) {
        return (int) Math.round(channel + (255 - channel) * 0.65);
    }

    private static BufferedImage draw(float[] points, int[] labels, int[] regions, Bounds b, int classes,
            List<String> classNames) {
        BufferedImage regionImage = new BufferedImage(GRID, GRID, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < regions.length; i++) {
            regionImage.setRGB(i % GRID, i / GRID, pale(regions[i]).getRGB());
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(regionImage, PLOT.x, PLOT.y, PLOT.width, PLOT.height, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setStroke(new BasicStroke(0.8f));
            for (int i = 0; i < labels.length; i++) {
                double px = PLOT.x + (points[2 * i] - b.xMin()) / (b.xMax() - b.xMin()) * PLOT.width;
                double py = PLOT.y + (b.yMax() - points[2 * i + 1]) / (b.yMax() - b.yMin()) * PLOT.height;
                int x = (int) Math.round(px) - 4;
                int y = (int) Math.round(py) - 4;
                g.setColor(strong(labels[i]));
                g.fillOval(x, y, 8, 8);
                g.setColor(Color.BLACK);
                g.drawOval(x, y, 8, 8);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(PLOT.x, PLOT.y, PLOT.width, PLOT.height);
            axes(g, b);
            legend(g, classes, classNames);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.setColor(Color.BLACK);
            g.drawString("Decision boundary", PLOT.x, PLOT.y - 18);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void axes(Graphics2D g, Bounds b) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        double xStep = niceStep(b.xMax() - b.xMin());
        for (double v = Math.ceil(b.xMin() / xStep) * xStep; v <= b.xMax(); v += xStep) {
            int x = PLOT.x + (int) Math.round((v - b.xMin()) / (b.xMax() - b.xMin()) * PLOT.width);
            String label = tick(v, xStep);
            g.drawLine(x, PLOT.y + PLOT.height, x, PLOT.y + PLOT.height + 5);
            g.drawString(label, x - fm.stringWidth(label) / 2, PLOT.y + PLOT.height + 8 + fm.getAscent());
        }
        double yStep = niceStep(b.yMax() - b.yMin());
        for (double v = Math.ceil(b.yMin() / yStep) * yStep; v <= b.yMax(); v += yStep) {
            int y = PLOT.y + PLOT.height - (int) Math.round((v - b.yMin()) / (b.yMax() - b.yMin()) * PLOT.height);
            String label = tick(v, yStep);
            g.drawLine(PLOT.x - 5, y, PLOT.x, y);
            g.drawString(label, PLOT.x - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.drawString("feature 0", PLOT.x + PLOT.width / 2 - fm.stringWidth("feature 0") / 2, HEIGHT - 15);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("feature 1", -(PLOT.y + PLOT.height / 2 + fm.stringWidth("feature 1") / 2), 18);
        rotated.dispose();
    }

    /** A 1, 2 or 5 times a power of ten giving about five ticks over {@code extent}. */
    static double niceStep(double extent) {
        double raw = extent / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
    }

    private static String tick(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        // Rounding can leave -0.0 for the tick at zero.
        double rounded = Math.abs(v) < step * 1e-6 ? 0 : v;
        return String.format(Locale.ROOT, "%." + decimals + "f", rounded);
    }

    private static void legend(Graphics2D g, int classes, List<String> classNames) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = PLOT.x + PLOT.width + 20;
        int y = PLOT.y + 10;
        for (int c = 0; c < classes && y < HEIGHT - 20; c++, y += 22) {
            g.setColor(pale(c));
            g.fillRect(x, y, 16, 16);
            g.setColor(strong(c));
            g.fillOval(x + 4, y + 4, 8, 8);
            g.setColor(Color.BLACK);
            g.drawRect(x, y, 16, 16);
            String name = classNames == null ? "class " + c : classNames.get(c);
            g.drawString(name.length() > 16 ? name.substring(0, 15) + "…" : name, x + 24, y + 13);
        }
    }
}
