package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.testing.ReaderOracle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain IDX and CIFAR files are read through their mapping: loading them allocates neither tensor
 * memory nor heap in proportion to their size, and a batch is gathered from the mapping. Each
 * measured load follows a first one, which pays for loading the classes involved.
 */
class MappedDatasetsTest {
    /** Far below the files' megabytes: what loading may allocate on the heap (names, small arrays). */
    private static final long SMALL = 256 << 10;

    @TempDir
    Path dir;

    @Test
    void cifarFilesAreMappedNotCopied() throws IOException {
        byte[] pixels = new byte[CifarBatch.PIXELS];
        for (int f = 1; f <= 5; f++) {
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                pixels[i] = (byte) (f * 10);
                records.add(SeedDatasetFiles.cifarRecord(pixels, i % 10));
            }
            SeedDatasetFiles.writeRecords(dir.resolve("data_batch_" + f + ".bin"), records);
        }
        try (Scope s = Scope.open("cifar")) {
            new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR10, true, s.arena()), 3, 32, 32);
            long live = Scope.liveBytes();
            long heap = ReaderOracle.heapAllocated();
            Assumptions.assumeTrue(heap >= 0, "this JVM does not count a thread's heap allocations");
            CifarDataset data = new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR10, true, s.arena()), 3, 32, 32);
            long loaded = ReaderOracle.heapAllocated() - heap;
            assertEquals(3000, data.size());
            assertTrue(loaded < SMALL, "loading 9 MB of CIFAR allocated " + loaded + " heap bytes");
            assertEquals(live, Scope.liveBytes(), "loading allocated tensor memory");
            Tensor x = Tensor.zeros(DType.FLOAT32, 2, 3, 32, 32);
            Tensor y = Tensor.zeros(DType.INT32, 2);
            data.fill(new int[] {2999, 5}, 0, 2, x, y);
            assertEquals(50 / 255f, x.toFloatArray()[599]);
            assertEquals(10 / 255f, x.toFloatArray()[3072 + 5]);
            assertEquals(9, y.toIntArray()[0]);
        }
    }

    @Test
    void plainIdxFilesAreMappedNotCopied() throws IOException {
        int n = 4000;
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            images[i * 784 + i % 784] = (byte) 200;
            labels[i] = (byte) (i % 10);
        }
        Path imageFile = SeedDatasetFiles.writeIdx(dir.resolve("images-idx3-ubyte"), new int[] {n, 28, 28}, images);
        Path labelFile = SeedDatasetFiles.writeIdx(dir.resolve("labels-idx1-ubyte"), new int[] {n}, labels);
        try (Scope s = Scope.open("mnist")) {
            new ImageDataset(Mnist.load(imageFile, labelFile, s.arena()), 784);
            long live = Scope.liveBytes();
            long heap = ReaderOracle.heapAllocated();
            Assumptions.assumeTrue(heap >= 0, "this JVM does not count a thread's heap allocations");
            ImageDataset data = new ImageDataset(Mnist.load(imageFile, labelFile, s.arena()), 784);
            long loaded = ReaderOracle.heapAllocated() - heap;
            assertTrue(loaded < SMALL, "loading 3 MB of IDX allocated " + loaded + " heap bytes");
            assertEquals(live, Scope.liveBytes(), "loading allocated tensor memory");
            Tensor x = Tensor.zeros(DType.FLOAT32, 1, 784);
            Tensor y = Tensor.zeros(DType.INT32, 1);
            data.fill(new int[] {3999}, 0, 1, x, y);
            assertEquals(200 / 255f, x.toFloatArray()[3999 % 784]);
            assertEquals(9, y.toIntArray()[0]);
        }
    }
}
