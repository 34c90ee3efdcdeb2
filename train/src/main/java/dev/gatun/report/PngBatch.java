package dev.gatun.report;

import dev.gatun.io.TaskFailures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    private final List<String> files = new ArrayList<>();
    private final List<Encoder> encoders = new ArrayList<>();

    PngBatch(Path dir) {
        this.dir = dir;
    }

    /** Adds an image to write as {@code fileName}; file names are unique within a batch. */
    void add(String fileName, Encoder encoder) {
        if (files.contains(fileName)) {
            throw new IllegalArgumentException("two images named " + fileName + " in " + dir);
        }
        files.add(fileName);
        encoders.add(encoder);
    }

    /**
     * Encodes every image and writes it atomically into the folder.
     *
     * @return the PNG bytes by file name, in the order added
     * @throws IOException the first image's failure, naming its file
     */
    Map<String, byte[]> write() throws IOException {
        int threads = Math.min(files.size(), Runtime.getRuntime().availableProcessors());
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (threads <= 1) {
            for (int i = 0; i < files.size(); i++) {
                out.put(files.get(i), ChartPng.write(dir, files.get(i), encoders.get(i).png()));
            }
            return out;
        }
        List<Future<byte[]>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("gatun-png-", 0).factory())) {
            for (int i = 0; i < files.size(); i++) {
                String file = files.get(i);
                Encoder encoder = encoders.get(i);
                pending.add(pool.submit(() -> ChartPng.write(dir, file, encoder.png())));
            }
            for (int i = 0; i < files.size(); i++) {
                out.put(files.get(i), pending.get(i).get());
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
