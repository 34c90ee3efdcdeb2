package dev.gatun.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small data sets in the exact formats of the real files: EMNIST's IDX files (images
 * stored transposed) and mapping file, CIFAR's binary records and name lists.
 */
public final class SeedDatasetFiles {
    private SeedDatasetFiles() {}

    /** One CIFAR record: the label bytes, then the 3,072 pixel bytes (red, green, blue planes). */
    public static byte[] cifarRecord(byte[] pixels, int... labels) {
        if (pixels.length != CifarBatch.PIXELS) {
            throw new IllegalArgumentException(pixels.length + " pixels");
        }
        byte[] r = new byte[labels.length + pixels.length];
        for (int i = 0; i < labels.length; i++) {
            r[i] = (byte) labels[i];
        }
        System.arraycopy(pixels, 0, r, labels.length, pixels.length);
        return r;
    }

    /** Writes an unsigned-byte IDX file of {@code dims}, gzipped when the name ends in {@code .gz}. */
    public static Path writeIdx(Path file, int[] dims, byte[] data) throws IOException {
        byte[] raw = IdxFileTest.idx(0x08, dims, data);
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, file.toString().endsWith(".gz") ? IdxFileTest.gzip(raw) : raw);
    }

    /** Writes {@code records} one after another into {@code file}. */
    public static Path writeRecords(Path file, List<byte[]> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) {
            out.write(r);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, out.toByteArray());
    }

    /** Writes one line per entry, as CIFAR's name lists are, ending in a blank line as the real ones do. */
    public static Path writeLines(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, String.join("\n", lines) + "\n\n", StandardCharsets.UTF_8);
    }

    /**
     * Writes EMNIST's image and label files for one part of a split: {@code upright[i]} is image
     * i as seen (row by row, side × side), stored column by column as EMNIST stores it.
     */
    public static void writeEmnist(Path dir, Emnist.Split split, boolean train, byte[][] upright, int side,
            int[] fileLabels) throws IOException {
        byte[] pixels = new byte[upright.length * side * side];
        for (int i = 0; i < upright.length; i++) {
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    pixels[i * side * side + c * side + r] = upright[i][r * side + c];
                }
            }
        }
        byte[] labels = new byte[fileLabels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) fileLabels[i];
        }
        String stem = "emnist-" + split.fileName() + "-" + (train ? "train" : "test") + "-";
        Files.createDirectories(dir);
        Files.write(dir.resolve(stem + "images-idx3-ubyte"),
                IdxFileTest.idx(0x08, new int[] {upright.length, side, side}, pixels));
        Files.write(dir.resolve(stem + "labels-idx1-ubyte"), IdxFileTest.idx(0x08, new int[] {labels.length}, labels));
    }
}
