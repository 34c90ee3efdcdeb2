package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One file of the binary version of CIFAR-10 or CIFAR-100, memory-mapped: fixed-size records of
 * the label byte(s) and then 3,072 pixel bytes, the red, green and blue 32×32 planes in turn, row
 * by row.
 *
 * @param file the mapped file
 * @param labels which labels the records carry and which one is read
 * @param count the number of records
 */
public record CifarBatch(MappedFile file, Cifar.Labels labels, int count) {
    /** The pixel bytes of a record: 3 × 32 × 32. */
    public static final int PIXELS = Cifar.CHANNELS * Cifar.SIDE * Cifar.SIDE;

    /** Checks the arguments. */
    public CifarBatch {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(labels, "labels");
        if ((long) count * labels.recordBytes() != file.byteSize()) {
            throw new IllegalArgumentException(file.path() + " holds " + file.byteSize() + " bytes, not "
                    + count + " records of " + labels.recordBytes());
        }
    }

    /**
     * Maps {@code path} into {@code arena} with a resident budget of its own of
     * {@link MappedFile#defaultResidentBytes()}, and checks it as
     * {@link #read(Path, Cifar.Labels, Arena, MappedFile.Budget)} does.
     *
     * @param path the file
     * @param labels which labels the records carry and which one is read
     * @param arena the arena owning the mapping
     * @return the batch
     * @throws DatasetFormatException naming the file when it is missing, empty, holds a cut
     *     record or a label out of range
     * @throws IOException when it cannot be mapped
     */
    public static CifarBatch read(Path path, Cifar.Labels labels, Arena arena) throws IOException {
        return read(path, labels, arena, MappedFile.Budget.ofDefault());
    }

    /**
     * Maps {@code path} into {@code arena} and checks it: a whole number of records, at least
     * one, every label byte in range (all of a CIFAR-100 record's, fine and coarse).
     *
     * @param path the file
     * @param labels which labels the records carry and which one is read
     * @param arena the arena owning the mapping
     * @param budget the resident budget the file shares with the other files of its data set
     * @return the batch
     * @throws DatasetFormatException naming the file when it is missing, empty, holds a cut
     *     record or a label out of range
     * @throws IOException when it cannot be mapped
     */
    public static CifarBatch read(Path path, Cifar.Labels labels, Arena arena, MappedFile.Budget budget)
            throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new DatasetFormatException(path, Files.exists(path) ? "not a regular file" : "file not found");
        }
        MappedFile file = MappedFile.open(path, arena, budget);
        long size = file.byteSize();
        int record = labels.recordBytes();
        if (size == 0) {
            throw new DatasetFormatException(path, "empty file, expected records of " + record + " bytes");
        }
        if (size % record != 0) {
            throw new DatasetFormatException(path, "truncated record: " + size + " bytes are " + size / record
                    + " records of " + record + " bytes (" + labels.labelBytes() + " label "
                    + (labels.labelBytes() == 1 ? "byte" : "bytes") + " + " + PIXELS + " pixels) and " + size % record
                    + " bytes over; is this a " + labels.title() + " binary file?");
        }
        if (size / record > Integer.MAX_VALUE) {
            throw new DatasetFormatException(path, "holds " + size / record + " records, more than "
                    + Integer.MAX_VALUE);
        }
        int count = (int) (size / record);
        MemorySegment data = file.segment();
        for (int i = 0; i < count; i++) {
            for (int b = 0; b < labels.labelBytes(); b++) {
                int label = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, (long) i * record + b));
                int classes = labels.classesOfByte(b);
                if (label >= classes) {
                    throw new DatasetFormatException(path, "record " + i + " has " + labels.byteName(b) + " " + label
                            + ", expected a class in 0.." + (classes - 1));
                }
            }
        }
        // The scan touched every page of the file: let them go until batches need them.
        file.release();
        return new CifarBatch(file, labels, count);
    }

    /**
     * The class of record {@code index}: the label byte {@link #labels()} reads.
     *
     * @param index the record's index
     * @return the class
     */
    public int label(int index) {
        Objects.checkIndex(index, count);
        long at = (long) index * labels.recordBytes() + labels.labelOffset();
        int label = Byte.toUnsignedInt(file.segment().get(ValueLayout.JAVA_BYTE, at));
        file.markRead(at, 1);
        return label;
    }

    /**
     * Copies the {@link #PIXELS} bytes of record {@code index} into {@code out}, counting them
     * against the file's resident budget.
     *
     * @param index the record's index
     * @param out receives the red, green and blue planes
     */
    public void copyPixels(int index, byte[] out) {
        Objects.checkIndex(index, count);
        long at = (long) index * labels.recordBytes() + labels.labelBytes();
        MemorySegment.copy(file.segment(), ValueLayout.JAVA_BYTE, at, out, 0, PIXELS);
        file.markRead(at, PIXELS);
    }

    /**
     * The {@link #PIXELS} bytes of record {@code index}: red, green and blue planes, not counted
     * against the resident budget ({@link #copyPixels} is).
     *
     * @param index the record's index
     * @return the pixel bytes, a slice of the mapping
     */
    public MemorySegment pixels(int index) {
        Objects.checkIndex(index, count);
        return file.segment().asSlice((long) index * labels.recordBytes() + labels.labelBytes(), PIXELS);
    }
}
