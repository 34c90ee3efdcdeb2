package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A directory of labelled images, {@code root/<class name>/<image>} (sub-folders of a class
 * included), read whole into memory: classes sorted by name get labels 0, 1, ...; images are
 * served as float32 [C, H, W] with values x / 255 in [0, 1], as torchvision's ToTensor gives.
 * Any format {@link ImageIO} reads is accepted (PNG, JPEG, BMP, GIF, ...); other files and
 * names starting with '.' are skipped.
 *
 * <p>Grayscale images give one channel and colour images three (alpha is dropped); a folder
 * mixing both is read as colour, gray replicated to R, G and B, unless {@link Options#channels}
 * forces 1 (luma L = (19595 R + 38470 G + 7471 B + 2¹⁵) >> 16, as PIL's convert("L")) or 3.
 * All images must share one size unless a target size is given, to which each is resized.
 */
public final class ImageFolder implements Dataset {
    /** How images are resized to a target size, each as PyTorch's F.interpolate (no antialiasing). */
    public enum Interpolation {
        /** The source pixel floor(dst · in / out). */
        NEAREST,
        /** Bilinear between pixel centres (align_corners = false), rounded to the nearest 8-bit level. */
        BILINEAR
    }

    /**
     * How to read a folder.
     *
     * @param channels      0 to keep the images' own (1 if all are gray, else 3), or 1 or 3 to force
     * @param height        target height, or 0 (with width 0) to require one common size
     * @param width         target width, or 0 (with height 0)
     * @param interpolation how images of another size are resized to the target
     */
    public record Options(int channels, int height, int width, Interpolation interpolation) {
        /** Validates the options. */
        public Options {
            if (channels != 0 && channels != 1 && channels != 3) {
                throw new IllegalArgumentException("image folder: channels must be 0 (as stored), 1 or 3, got "
                        + channels);
            }
            if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
                throw new IllegalArgumentException("image folder: target height and width must both be > 0, or both 0 "
                        + "for no resizing, got " + height + "×" + width);
            }
            if (interpolation == null) {
                throw new IllegalArgumentException("image folder: interpolation must not be null");
            }
        }

        /** {@return the options keeping the images' own channels, with one common size} */
        public static Options defaults() {
            return new Options(0, 0, 0, Interpolation.BILINEAR);
        }

        /**
         * These options with {@code channels} forced (1 or 3; 0 for the images' own).
         *
         * @param channels 1 or 3, or 0 for the images' own
         * @return the new options
         */
        public Options withChannels(int channels) {
            return new Options(channels, height, width, interpolation);
        }

        /**
         * These options resizing every image to {@code height} × {@code width} with {@code interpolation}.
         *
         * @param height the target height, > 0
         * @param width the target width, > 0
         * @param interpolation how pixels are resampled
         * @return the new options
         */
        public Options resizedTo(int height, int width, Interpolation interpolation) {
            if (height <= 0 || width <= 0) {
                throw new IllegalArgumentException("image folder: target height and width must be > 0, got "
                        + height + "×" + width);
            }
            return new Options(channels, height, width, interpolation);
        }
    }

    /** A folder or image that cannot be read as a data set; the message names the path. */
    public static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;

        private final transient Path path;

        /**
         * A problem with {@code path}.
         *
         * @param path the folder or file at fault
         * @param problem what is wrong
         */
        public FormatException(Path path, String problem) {
            super(path + ": " + problem);
            this.path = path;
        }

        /**
         * A problem with {@code path}, caused by {@code cause}.
         *
         * @param path the folder or file at fault
         * @param problem what is wrong
         * @param cause the exception that revealed the problem
         */
        public FormatException(Path path, String problem, Throwable cause) {
            super(path + ": " + problem, cause);
            this.path = path;
        }

        /** {@return the folder or file at fault} */
        public Path path() {
            return path;
        }
    }

    /** One image as read: planar channel-major bytes [channels, height, width]. */
    private record Decoded(Path file, int channels, int height, int width, byte[] pixels) {}

    /**
     * The most pixels an image may have, 8192 × 8192 (64 Mi): read from the file's header, before
     * anything is decoded, so that a huge image is refused instead of exhausting memory.
     */
    public static final long MAX_PIXELS = 8192L * 8192;

    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final byte[] pixels;
    private final int[] featureShape;
    private final int imageSize;

    private ImageFolder(List<String> classNames, List<Path> files, int[] labels, byte[] pixels, int[] featureShape) {
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.pixels = pixels;
        this.featureShape = featureShape;
        this.imageSize = featureShape[0] * featureShape[1] * featureShape[2];
    }

    /**
     * Reads {@code root} with {@link Options#defaults()}.
     *
     * @param root the folder of class folders
     * @return the images and their labels
     * @throws IOException when the folder cannot be listed or an image cannot be read
     */
    public static ImageFolder load(Path root) throws IOException {
        return load(root, Options.defaults());
    }

    /**
     * Reads every image under {@code root}'s class directories.
     *
     * @param root the folder of class folders
     * @param options the channels and size to convert to
     * @return the images and their labels
     * @throws FormatException naming the folder or file: root not a directory, no class
     *     directories, a class directory without images, a file that cannot be decoded, an image
     *     of more than {@link #MAX_PIXELS} pixels (by its header), or an image whose size differs
     *     from the first one's when no target size is given
     * @throws MemoryBudgetException when the decoded images would not fit the {@link MemoryBudget}
     */
    public static ImageFolder load(Path root, Options options) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new FormatException(root, "not a directory; expected root/<class name>/<image files>");
        }
        List<Path> classDirs;
        try (Stream<Path> entries = Files.list(root)) {
            classDirs = entries.filter(p -> Files.isDirectory(p) && !hidden(p)).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new FormatException(root, "no class directories; expected root/<class name>/<image files>");
        }
        Set<String> suffixes = new TreeSet<>();
        for (String s : ImageIO.getReaderFileSuffixes()) {
            suffixes.add(s.toLowerCase(Locale.ROOT));
        }
        List<String> names = new ArrayList<>();
        List<Decoded> images = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        long[] held = {0};
        for (int c = 0; c < classDirs.size(); c++) {
            Path dir = classDirs.get(c);
            List<Path> found;
            try (Stream<Path> walk = Files.walk(dir)) {
                found = walk.filter(p -> Files.isRegularFile(p) && !hidden(p) && suffixes.contains(suffix(p)))
                        .sorted().toList();
            }
            if (found.isEmpty()) {
                throw new FormatException(dir, "class directory '" + dir.getFileName() + "' holds no images (looked for "
                        + String.join(", ", suffixes) + ")");
            }
            names.add(dir.getFileName().toString());
            for (Path file : found) {
                images.add(decode(file, held));
                labelList.add(c);
            }
        }
        return assemble(root, names, images, labelList, options);
    }

    /**
     * Unlabelled images (e.g. to predict), in the order given, as one class named
     * {@value #UNLABELLED}; sizes and channels follow {@code options} as in {@link #load}.
     *
     * @param files the image files
     * @param options the channels and size to convert to
     * @return the images, as one class
     * @throws FormatException naming a file that is missing, cannot be decoded or has more than
     *     {@link #MAX_PIXELS} pixels
     * @throws MemoryBudgetException when the decoded images would not fit the {@link MemoryBudget}
     */
    public static ImageFolder ofFiles(List<Path> files, Options options) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files given");
        }
        List<Decoded> images = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        long[] held = {0};
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new FormatException(file, "no such image file");
            }
            images.add(decode(file, held));
            labelList.add(0);
        }
        return assemble(files.getFirst(), List.of(UNLABELLED), images, labelList, options);
    }

    /** The one class name of {@link #ofFiles}. */
    public static final String UNLABELLED = "unlabelled";

    private static ImageFolder assemble(Path root, List<String> names, List<Decoded> images, List<Integer> labelList,
            Options options) throws FormatException {
        int channels = options.channels();
        if (channels == 0) {
            channels = images.stream().allMatch(d -> d.channels() == 1) ? 1 : 3;
        }
        Decoded first = images.getFirst();
        int height = options.height() > 0 ? options.height() : first.height();
        int width = options.width() > 0 ? options.width() : first.width();
        long total = MemoryBudget.bytes(1, channels, height, width, images.size());
        if (total < 0 || total > Integer.MAX_VALUE - 8) {
            throw new FormatException(root, images.size() + " images of " + channels + "×" + height + "×" + width
                    + " hold " + (total < 0 ? "more than 2⁶³" : total) + " values, more than one array can (2³¹)");
        }
        int imageSize = channels * height * width;
        // An image is held as bytes and served as float32: a folder whose one example cannot be
        // served is refused here, where the file is known, not at its first batch.
        MemoryBudget.require(images.size() + " images of " + channels + "×" + height + "×" + width + " from " + root
                + " (held as bytes, one served as float32)", total + (long) Float.BYTES * imageSize);
        byte[] all = new byte[(int) total];
        List<Path> files = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            Decoded d = images.get(i);
            if (d.height() != height || d.width() != width) {
                if (options.height() == 0) {
                    throw new FormatException(d.file(), "image is " + d.width() + "×" + d.height() + " (width×height) but "
                            + first.file() + " is " + width + "×" + height + "; all images must share one size, "
                            + "or give a target size to resize them to");
                }
                d = resize(d, height, width, options.interpolation());
            }
            System.arraycopy(toChannels(d, channels), 0, all, i * imageSize, imageSize);
            files.add(d.file());
            images.set(i, null); // the decoded copy is no longer needed
        }
        int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFolder(names, files, labels, all, new int[] {channels, height, width});
    }

    /** {@return the class names, sorted; class i has label i} */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return the image files, in example order} */
    public List<Path> files() {
        return files;
    }

    /** {@return the class label of every example (a copy)} */
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int size() {
        return labels.length;
    }

    /** [channels, height, width]. */
    @Override
    public int[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int classes() {
        return classNames.size();
    }

    @Override
    public void fill(int[] indices, int from, int count, Tensor features, Tensor labels) {
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous()
                || features.size() != (long) count * imageSize) {
            throw new IllegalArgumentException("features must be contiguous float32 with " + count + "×" + imageSize
                    + " elements, got " + features.describe());
        }
        if (labels.dtype() != DType.INT32 || labels.size() != count || !labels.isContiguous()) {
            throw new IllegalArgumentException("labels must be int32 [" + count + "], got " + labels.describe());
        }
        MemorySegment out = features.segment();
        MemorySegment lab = labels.segment();
        for (int i = 0; i < count; i++) {
            int idx = indices[from + i];
            if (idx < 0 || idx >= this.labels.length) {
                throw new IndexOutOfBoundsException("example " + idx + " of " + this.labels.length);
            }
            long o = features.offset() + (long) i * imageSize;
            int src = idx * imageSize;
            for (int p = 0; p < imageSize; p++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, o + p, PixelLevels.unit(pixels[src + p]));
            }
            lab.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + i, this.labels[idx]);
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static String suffix(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Decodes {@code file} after its header passed {@link #MAX_PIXELS} and the memory budget, the
     * images decoded before it counted ({@code held} bytes, updated).
     */
    private static Decoded decode(Path file, long[] held) throws FormatException {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new FormatException(file, "not an image ImageIO can decode");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                long pixels = (long) w * h;
                if (w < 1 || h < 1 || pixels > MAX_PIXELS) {
                    throw new FormatException(file, "the image is " + w + "×" + h + " pixels (width×height, from its "
                            + "header), " + (pixels < 1 ? "which is no image" : "more than the " + MAX_PIXELS
                            + " (8192×8192) an image may have"));
                }
                // The decoder's image (up to 4 bytes a pixel) and our planes (up to 3) live together.
                held[0] += 7 * pixels;
                MemoryBudget.require("decoding " + file + " (" + w + "×" + h + " pixels) after the images before it",
                        held[0]);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (FormatException | MemoryBudgetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FormatException(file, "cannot read the image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new FormatException(file, "not an image ImageIO can decode");
        }
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = Math.multiplyExact(h, w);
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel palette) {
            int channels = grayPalette(palette) ? 1 : 3;
            return new Decoded(file, channels, h, w, ImagePlanes.palette(image.getRaster(), palette, channels));
        }
        if (cm.getNumColorComponents() == 1) {
            return new Decoded(file, 1, h, w, ImagePlanes.gray(image.getRaster(), cm.getComponentSize(0)));
        }
        return new Decoded(file, 3, h, w, ImagePlanes.rgb(image));
    }

    private static boolean grayPalette(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int r = palette.getRed(i);
            if (palette.getGreen(i) != r || palette.getBlue(i) != r) {
                return false;
            }
        }
        return true;
    }

    /** The image's bytes with {@code channels} channels: gray replicated, or colour reduced to luma. */
    private static byte[] toChannels(Decoded d, int channels) {
        if (d.channels() == channels) {
            return d.pixels();
        }
        int plane = d.height() * d.width();
        byte[] p = d.pixels();
        byte[] out = new byte[channels * plane];
        if (channels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(p, 0, out, c * plane, plane);
            }
        } else {
            for (int i = 0; i < plane; i++) {
                int r = p[i] & 0xFF;
                int g = p[plane + i] & 0xFF;
                int b = p[2 * plane + i] & 0xFF;
                out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
        }
        return out;
    }

    /** {@code d} resized to height × width, each channel as described by {@link Interpolation}. */
    private static Decoded resize(Decoded d, int height, int width, Interpolation interpolation) {
        int inH = d.height();
        int inW = d.width();
        byte[] in = d.pixels();
        byte[] out = new byte[d.channels() * height * width];
        double sy = (double) inH / height;
        double sx = (double) inW / width;
        for (int c = 0; c < d.channels(); c++) {
            int src = c * inH * inW;
            int dst = c * height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double v;
                    if (interpolation == Interpolation.NEAREST) {
                        int iy = Math.min((int) Math.floor(y * sy), inH - 1);
                        int ix = Math.min((int) Math.floor(x * sx), inW - 1);
                        v = in[src + iy * inW + ix] & 0xFF;
                    } else {
                        double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                        double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                        int y0 = (int) fy;
                        int x0 = (int) fx;
                        int y1 = Math.min(y0 + 1, inH - 1);
                        int x1 = Math.min(x0 + 1, inW - 1);
                        double ly = fy - y0;
                        double lx = fx - x0;
                        double top = (in[src + y0 * inW + x0] & 0xFF) * (1 - lx) + (in[src + y0 * inW + x1] & 0xFF) * lx;
                        double bottom = (in[src + y1 * inW + x0] & 0xFF) * (1 - lx) + (in[src + y1 * inW + x1] & 0xFF) * lx;
                        v = top * (1 - ly) + bottom * ly;
                    }
                    out[dst + y * width + x] = (byte) Math.min(255, Math.max(0, Math.round(v)));
                }
            }
        }
        return new Decoded(d.file(), d.channels(), height, width, out);
    }
}
