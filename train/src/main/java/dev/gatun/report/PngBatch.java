package dev.gatun.report;

import dev.gatun.io.TaskFailures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * PNGs encoded on up to one thread per core and written into one folder. A report's charts are
 * independent images, and most of a first report's time is Java2D and the PNG encoder running
 * cold (2.2-2.4 s for the first report in a JVM, 0.7-0.8 s for the next), which threads share.
 */
final class PngBatch {
    /** One image's encoder. */
    @FunctionalInterface
    interface Encoder {
        byte[] png() throws IOException;
    }

    private final Path dir;
    /** The encoders by file name, in the order added. */
    private final Map<String, Encoder> encoders = new LinkedHashMap<>();

    PngBatch(Path dir) {
        this.dir = dir;
    }

    /** Adds an image to write as {@code fileName}; file names are unique within a batch. */
    void add(String fileName, Encoder encoder) {
        if (encoders.putIfAbsent(fileName, encoder) != null) {
            throw new IllegalArgumentException("two images named " + fileName + " in " + dir);
        }
    }

    /**
     * Encodes every image and writes it atomically into the folder.
     *
     * @return the PNG bytes by file name, in the order added
     * @throws IOException the first failing image's, as its encoder or the write threw it
     */
    Map<String, byte[]> write() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (encoders.isEmpty()) {
            return out;
        }
        int threads = Math.min(encoders.size(), Runtime.getRuntime().availableProcessors());
        Map<String, Future<byte[]>> pending = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().daemon().name("gatun-png-", 0).factory())) {
            encoders.forEach((file, encoder) ->
                    pending.put(file, pool.submit(() -> ChartPng.write(dir, file, encoder.png()))));
            for (Map.Entry<String, Future<byte[]>> e : pending.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the images of " + dir, e);
        } catch (ExecutionException e) {
            Throwable other = TaskFailures.rethrowCause(e);
            throw new IOException("writing the images of " + dir + " failed: " + other, other);
        }
        return out;
    }
}
