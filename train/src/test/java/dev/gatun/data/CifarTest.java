package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 and CIFAR-100 binary files: records, planes, labels across files, names, malformed files. */
class CifarTest {
    static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    @TempDir
    Path dir;

    /** Image {@code k}: one lit pixel per plane at a place that depends on k and the plane. */
    private static byte[] pixels(int k) {
        byte[] p = new byte[CifarBatch.PIXELS];
        for (int ch = 0; ch < 3; ch++) {
            p[ch * 1024 + (k + ch) % 32 * 32 + (2 * k + 5 * ch) % 32] = (byte) (40 + 70 * ch + k);
        }
        return p;
    }

    /** CIFAR-10 with {@code counts[i]} images in data_batch_{i+1}.bin; image k has label k % 10. */
    private List<Integer> writeCifar10(int[] counts, int test) throws IOException {
        List<Integer> labels = new ArrayList<>();
        int k = 0;
        for (int f = 0; f < counts.length; f++) {
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < counts[f]; i++, k++) {
                records.add(SeedDatasetFiles.cifarRecord(pixels(k), k % 10));
                labels.add(k % 10);
            }
            SeedDatasetFiles.writeRecords(dir.resolve("data_batch_" + (f + 1) + ".bin"), records);
        }
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < test; i++) {
            records.add(SeedDatasetFiles.cifarRecord(pixels(100 + i), 9 - i % 10));
        }
        SeedDatasetFiles.writeRecords(dir.resolve("test_batch.bin"), records);
        SeedDatasetFiles.writeLines(dir.resolve("batches.meta.txt"), CIFAR10_NAMES);
        return labels;
    }

    @Test
    void cifar10GathersBatchesAcrossFilesAsRgbPlanes() throws IOException {
        List<Integer> labels = writeCifar10(new int[] {2, 1, 3, 1, 2}, 4);
        try (Scope s = Scope.open("cifar")) {
            CifarDataset train = new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR10, true, s.arena()), 3, 32, 32);
            assertEquals(9, train.size());
            assertEquals(10, train.classes());
            assertArrayEquals(new int[] {3, 32, 32}, train.featureShape());
            int[] order = {8, 0, 6, 3, 2, 5, 1};
            Tensor x = Tensor.zeros(DType.FLOAT32, order.length, 3, 32, 32);
            Tensor y = Tensor.zeros(DType.INT32, order.length);
            train.fill(order, 0, order.length, x, y);
            float[] got = x.toFloatArray();
            int[] gotLabels = y.toIntArray();
            for (int i = 0; i < order.length; i++) {
                int k = order[i];
                assertEquals(labels.get(k), gotLabels[i], "label of image " + k);
                for (int ch = 0; ch < 3; ch++) {
                    for (int r = 0; r < 32; r++) {
                        for (int c = 0; c < 32; c++) {
                            boolean lit = r == (k + ch) % 32 && c == (2 * k + 5 * ch) % 32;
                            float want = lit ? (40 + 70 * ch + k) / 255f : 0f;
                            assertEquals(want, got[i * 3072 + ch * 1024 + r * 32 + c],
                                    "image " + k + " channel " + ch + " at " + r + "," + c);
                        }
                    }
                }
            }
            CifarDataset test = new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR10, false, s.arena()), 3072);
            assertEquals(4, test.size());
            Tensor tx = Tensor.zeros(DType.FLOAT32, 1, 3072);
            Tensor ty = Tensor.zeros(DType.INT32, 1);
            test.fill(new int[] {3}, 0, 1, tx, ty);
            assertEquals(6, ty.toIntArray()[0]);
            assertEquals(CIFAR10_NAMES, Cifar.classNames(dir, Cifar.Labels.CIFAR10));
        }
    }

    @Test
    void cifar100ReadsFineOrCoarseLabels() throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            records.add(SeedDatasetFiles.cifarRecord(pixels(k), 19 - k, 99 - 7 * k));
        }
        SeedDatasetFiles.writeRecords(dir.resolve("train.bin"), records);
        List<String> fine = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            fine.add("fine" + c);
        }
        SeedDatasetFiles.writeLines(dir.resolve("fine_label_names.txt"), fine);
        SeedDatasetFiles.writeLines(dir.resolve("coarse_label_names.txt"),
                fine.subList(0, 20).stream().map(n -> n.replace("fine", "coarse")).toList());
        try (Scope s = Scope.open("cifar100")) {
            CifarDataset byFine = new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR100_FINE, true, s.arena()), 3, 32, 32);
            CifarDataset byCoarse = new CifarDataset(Cifar.load(dir, Cifar.Labels.CIFAR100_COARSE, true, s.arena()), 3, 32,
                    32);
            assertEquals(100, byFine.classes());
            assertEquals(20, byCoarse.classes());
            Tensor x = Tensor.zeros(DType.FLOAT32, 5, 3, 32, 32);
            Tensor y = Tensor.zeros(DType.INT32, 5);
            int[] all = {0, 1, 2, 3, 4};
            byFine.fill(all, 0, 5, x, y);
            assertArrayEquals(new int[] {99, 92, 85, 78, 71}, y.toIntArray());
            float[] fromFine = x.toFloatArray();
            byCoarse.fill(all, 0, 5, x, y);
            assertArrayEquals(new int[] {19, 18, 17, 16, 15}, y.toIntArray());
            // The second label byte is not a pixel: both read the same images.
            assertArrayEquals(fromFine, x.toFloatArray());
            assertEquals((40 + 4) / 255f, fromFine[4 * 3072 + 4 * 32 + 8]);
            assertEquals("fine99", Cifar.classNames(dir, Cifar.Labels.CIFAR100_FINE).getLast());
            assertEquals("coarse19", Cifar.classNames(dir, Cifar.Labels.CIFAR100_COARSE).getLast());
        }
    }

    @Test
    void malformedBinariesAreRefusedNamingTheFile() throws IOException {
        byte[] good = SeedDatasetFiles.cifarRecord(pixels(0), 3);
        assertBinaryError(Cifar.Labels.CIFAR10, new byte[0], "empty file, expected records of 3073 bytes");
        byte[] cut = java.util.Arrays.copyOf(good, 2 * 3073 - 5);
        assertBinaryError(Cifar.Labels.CIFAR10, cut, "truncated record: 6141 bytes are 1 records of 3073 bytes "
                + "(1 label byte + 3072 pixels) and 3068 bytes over; is this a CIFAR-10 binary file?");
        // A CIFAR-10 file read as CIFAR-100 does not divide into its records of 3074 bytes either.
        byte[] three = new byte[3 * 3073];
        assertBinaryError(Cifar.Labels.CIFAR100_FINE, three, "truncated record: 9219 bytes are 2 records of 3074 bytes "
                + "(2 label bytes + 3072 pixels) and 3071 bytes over; is this a CIFAR-100 binary file?");
        byte[] wild = good.clone();
        wild[0] = 10;
        assertBinaryError(Cifar.Labels.CIFAR10, concat(good, wild), "record 1 has label 10, expected a class in 0..9");
        byte[] coarse = SeedDatasetFiles.cifarRecord(pixels(0), 20, 5);
        assertBinaryError(Cifar.Labels.CIFAR100_FINE, coarse, "record 0 has coarse label 20, expected a class in 0..19");
        byte[] fine = SeedDatasetFiles.cifarRecord(pixels(0), 5, 100);
        assertBinaryError(Cifar.Labels.CIFAR100_COARSE, fine, "record 0 has fine label 100, expected a class in 0..99");
        Path missing = dir.resolve("nothing.bin");
        try (Arena arena = Arena.ofConfined()) {
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> CifarBatch.read(missing, Cifar.Labels.CIFAR10, arena));
            assertEquals(missing + ": file not found", e.getMessage());
            DatasetFormatException folder = assertThrows(DatasetFormatException.class,
                    () -> CifarBatch.read(dir, Cifar.Labels.CIFAR10, arena));
            assertEquals(dir + ": not a regular file", folder.getMessage());
        }
    }

    @Test
    void aMissingTrainingFileIsNamed() throws IOException {
        writeCifar10(new int[] {1, 1, 1, 1, 1}, 1);
        Files.delete(dir.resolve("data_batch_4.bin"));
        try (Arena arena = Arena.ofConfined()) {
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> Cifar.load(dir, Cifar.Labels.CIFAR10, true, arena));
            assertEquals(dir.resolve("data_batch_4.bin") + ": file not found", e.getMessage());
        }
    }

    @Test
    void badNameListsAreRefusedNamingFileAndLine() throws IOException {
        Path meta = dir.resolve("batches.meta.txt");
        SeedDatasetFiles.writeLines(meta, CIFAR10_NAMES.subList(0, 9));
        assertNamesError(meta, "holds 9 class names, expected 10");
        List<String> blank = new ArrayList<>(CIFAR10_NAMES);
        blank.set(4, " ");
        SeedDatasetFiles.writeLines(meta, blank);
        assertNamesError(meta, "line 5 is blank, expected the name of class 4");
        List<String> twice = new ArrayList<>(CIFAR10_NAMES);
        twice.set(7, "cat");
        SeedDatasetFiles.writeLines(meta, twice);
        assertNamesError(meta, "line 8 repeats the class name 'cat' of line 4");
        Files.delete(meta);
        assertNamesError(meta, "file not found");
    }

    private void assertNamesError(Path meta, String problem) {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> Cifar.classNames(dir, Cifar.Labels.CIFAR10));
        assertEquals(meta + ": " + problem, e.getMessage());
    }

    private void assertBinaryError(Cifar.Labels labels, byte[] content, String problem) throws IOException {
        Path file = Files.write(dir.resolve("bad.bin"), content);
        try (Arena arena = Arena.ofConfined()) {
            DatasetFormatException e = assertThrows(DatasetFormatException.class,
                    () -> CifarBatch.read(file, labels, arena));
            assertEquals(file + ": " + problem, e.getMessage());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
