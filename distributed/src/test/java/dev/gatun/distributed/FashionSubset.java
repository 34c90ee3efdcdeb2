package dev.gatun.distributed;

import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.data.FashionMnist;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The first examples of Fashion-MNIST's train and test files, written as a data folder of their own. */
final class FashionSubset {
    private FashionSubset() {}

    /** Writes {@code train} and {@code test} examples into {@code dir}; skips the test without Fashion-MNIST. */
    static Path write(Path dir, int train, int test) throws IOException {
        Path source;
        try {
            source = FashionMnist.locate(null);
        } catch (IOException | RuntimeException e) {
            abort("Fashion-MNIST not installed: " + e.getMessage());
            return null;
        }
        Files.createDirectories(dir);
        copy(source, dir, "train-images-idx3-ubyte", train, 28 * 28, 16);
        copy(source, dir, "train-labels-idx1-ubyte", train, 1, 8);
        copy(source, dir, "t10k-images-idx3-ubyte", test, 28 * 28, 16);
        copy(source, dir, "t10k-labels-idx1-ubyte", test, 1, 8);
        return dir;
    }

    private static void copy(Path from, Path to, String name, int count, int recordBytes, int headerBytes)
            throws IOException {
        Path gz = from.resolve(name + ".gz");
        try (InputStream raw = Files.exists(gz) ? new GZIPInputStream(Files.newInputStream(gz))
                : Files.newInputStream(from.resolve(name)); DataInputStream in = new DataInputStream(raw)) {
            byte[] header = new byte[headerBytes];
            in.readFully(header);
            ByteBuffer.wrap(header).putInt(4, count);
            byte[] body = new byte[count * recordBytes];
            in.readFully(body);
            byte[] out = new byte[headerBytes + body.length];
            System.arraycopy(header, 0, out, 0, headerBytes);
            System.arraycopy(body, 0, out, headerBytes, body.length);
            Files.write(to.resolve(name), out);
        }
    }
}
