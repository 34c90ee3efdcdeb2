package dev.gatun.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The layout of a CSV cache, all little-endian: a 4 KiB header (magic, version, the reading,
 * shapes, the source's identity, offsets, checksums), the features float32 [rows, features]
 * row-major, the targets (int32 class ids or float32 values) [rows], then the names: the source
 * path, the label column, the feature names and the class names.
 */
final class CsvCacheFile {
    private static final long MAGIC = 0x5653434E55544147L; // "GATUNCSV"
    private static final int VERSION = 1;
    /** The data starts on a page boundary, so releasing pages never touches the header. */
    static final int HEADER_BYTES = 4096;
    private static final int HEADER_USED = 156;
    private static final int SAMPLE_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 1 << 20;

    private CsvCacheFile() {}

    /** A cache that cannot be used: missing parts, damaged, or made from another file or reading. */
    static final class StaleCacheException extends Exception {
        private static final long serialVersionUID = 1L;

        StaleCacheException(String reason) {
            super(reason);
        }
    }

    /**
     * The reading a cache was made for: its labels, label column and given class names.
     *
     * @param labels how the label column reads
     * @param labelColumn the label column ("" without one)
     * @param classNamesOrNull the given class names, or null
     */
    record Request(CsvDataset.Labels labels, String labelColumn, List<String> classNamesOrNull) {
        /** The code stored for {@link #labels}: explicit, so reordering the enum keeps old caches readable. */
        int labelsCode() {
            return switch (labels) {
                case CLASS_IDS -> 1;
                case CLASS_NAMES -> 2;
                case REGRESSION -> 3;
                case NONE -> 4;
            };
        }

        byte[] digest() {
            MessageDigest sha = sha256();
            sha.update(Integer.toString(labelsCode()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(labelColumn.getBytes(StandardCharsets.UTF_8));
            if (classNamesOrNull != null) {
                for (String name : classNamesOrNull) {
                    sha.update((byte) 0);
                    sha.update(name.getBytes(StandardCharsets.UTF_8));
                }
            }
            return sha.digest();
        }
    }

    /**
     * What identifies the source's content without reading all of it.
     *
     * @param size its size in bytes
     * @param modifiedNanos its modification time, in nanoseconds since the epoch
     * @param sample the SHA-256 of its size and first and last 64 KiB
     */
    record Source(long size, long modifiedNanos, byte[] sample) {
        static Source of(Path csv) throws IOException {
            long modified = Files.getLastModifiedTime(csv).to(TimeUnit.NANOSECONDS);
            try (FileChannel ch = FileChannel.open(csv, StandardOpenOption.READ)) {
                long size = ch.size();
                MessageDigest sha = sha256();
                sha.update(ByteBuffer.allocate(Long.BYTES).putLong(size).flip());
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 2L * SAMPLE_BYTES));
                readFully(ch, buf.limit(Math.min(buf.capacity(), SAMPLE_BYTES)), 0);
                if (size > SAMPLE_BYTES) {
                    long tail = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
                    readFully(ch, buf.limit(buf.capacity()), tail);
                }
                sha.update(buf.flip());
                return new Source(size, modified, sha.digest());
            }
        }
    }

    /** Parses {@code csv} into the cache file {@code target}, which exists and is empty. */
    static void write(Path csv, Path target, Source source, Request request) throws IOException {
        Path targets = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".targets");
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE);
                FileChannel side = FileChannel.open(targets, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE)) {
            Rows rows = new Rows(out, side, request.labels() == CsvDataset.Labels.REGRESSION);
            CsvRows.Table table = CsvRows.read(csv, request.labelColumn(), request.labels(),
                    request.classNamesOrNull(), 0, rows);
            ByteBuffer names = names(csv, request.labelColumn(), table);
            CRC32C namesCrc = new CRC32C();
            namesCrc.update(names.duplicate());
            long namesAt = out.position();
            while (names.hasRemaining()) {
                out.write(names);
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(MAGIC).putInt(VERSION).putInt(request.labelsCode()).putLong(table.rows())
                    .putInt(table.featureNames().size()).putInt(table.classNames().size())
                    .putLong(source.size()).putLong(source.modifiedNanos()).put(source.sample()).put(request.digest())
                    .putLong(HEADER_BYTES).putLong(rows.targetsAt).putLong(namesAt).putLong(out.position() - namesAt)
                    .putInt((int) rows.crc.getValue()).putInt((int) namesCrc.getValue());
            h.putInt(crcOf(h.array(), h.position()));
            h.clear();
            writeFully(out, h, 0);
            // Synced before the caller's rename, or a crash could leave the cache's name on partial data.
            out.force(true);
        }
    }

    /**
     * Checks and maps the cache file {@code cache} of {@code csv}.
     *
     * @param whyParsedOrNull why this run parsed the CSV, or null when the cache was already there
     * @throws StaleCacheException when the cache is damaged or made from another source or reading
     */
    static MappedCsv open(Path csv, Path cache, Source source, Request request, Arena arena, long residentBytes,
            String whyParsedOrNull) throws IOException, StaleCacheException {
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                throw new StaleCacheException("the cache is truncated (" + size + " bytes, shorter than its header)");
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0);
            h.flip();
            if (h.getLong() != MAGIC) {
                throw new StaleCacheException("the cache does not start with a CSV cache's magic number");
            }
            int version = h.getInt();
            if (version != VERSION) {
                throw new StaleCacheException("the cache has format version " + version + ", this reader " + VERSION);
            }
            if (crcOf(h.array(), HEADER_USED - Integer.BYTES) != h.getInt(HEADER_USED - Integer.BYTES)) {
                throw new StaleCacheException("the cache's header is damaged (checksum mismatch)");
            }
            int labelsCode = h.getInt();
            long rows = h.getLong();
            int features = h.getInt();
            int classes = h.getInt();
            long sourceSize = h.getLong();
            long sourceModified = h.getLong();
            byte[] sample = bytes(h, 32);
            byte[] reading = bytes(h, 32);
            long featuresAt = h.getLong();
            long targetsAt = h.getLong();
            long namesAt = h.getLong();
            long namesLength = h.getLong();
            int bodyCrc = h.getInt();
            int namesCrc = h.getInt();
            if (labelsCode != request.labelsCode() || !Arrays.equals(reading, request.digest())) {
                throw new StaleCacheException("the cache was made for another reading of the file");
            }
            if (sourceSize != source.size() || sourceModified != source.modifiedNanos()
                    || !Arrays.equals(sample, source.sample())) {
                throw new StaleCacheException("the source changed since the cache was made (" + (sourceSize != source.size()
                        ? "size " + sourceSize + " -> " + source.size() : sourceModified != source.modifiedNanos()
                        ? "modification time" : "content") + ")");
            }
            if (rows <= 0 || rows > Integer.MAX_VALUE - 8 || features <= 0 || featuresAt != HEADER_BYTES
                    || targetsAt != featuresAt + rows * features * Float.BYTES || namesAt != targetsAt + rows * Integer.BYTES
                    || namesLength < 0 || namesLength > Integer.MAX_VALUE - 8 || classes < 0
                    || classes > Dataset.MAX_CLASSES) {
                throw new StaleCacheException("the cache's header holds impossible shapes or offsets");
            }
            if (size != namesAt + namesLength) {
                throw new StaleCacheException("the cache is " + size + " bytes, its header says "
                        + (namesAt + namesLength) + (size < namesAt + namesLength ? " (truncated)" : ""));
            }
            ByteBuffer names = ByteBuffer.allocate((int) namesLength);
            readFully(ch, names, namesAt);
            if (crcOf(names.array(), names.limit()) != namesCrc) {
                throw new StaleCacheException("the cache's names are damaged (checksum mismatch)");
            }
            if (crcOf(ch, featuresAt, namesAt) != bodyCrc) {
                throw new StaleCacheException("the cache's data is damaged (checksum mismatch)");
            }
            names.flip();
            names.order(ByteOrder.LITTLE_ENDIAN);
            List<String> featureNames;
            List<String> classNames;
            try {
                strings(names); // the source path, for a person reading the file
                strings(names); // the label column, part of the reading checked above
                featureNames = strings(names);
                classNames = strings(names);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new StaleCacheException("the cache's names are unreadable");
            }
            if (featureNames.size() != features || classNames.size() != classes) {
                throw new StaleCacheException("the cache's names do not match its shapes");
            }
            MappedFile mapping = MappedFile.map(cache, ch, arena, new MappedFile.Budget(residentBytes));
            boolean regression = request.labels() == CsvDataset.Labels.REGRESSION;
            return new MappedCsv(csv, cache, mapping, (int) rows, features, regression, classNames, featureNames,
                    targetsAt, whyParsedOrNull);
        }
    }

    /** Streams rows into the cache: features straight to their place, targets to a side file appended at the end. */
    private static final class Rows implements CsvRows.Sink {
        private final FileChannel out;
        private final FileChannel side;
        private final boolean regression;
        private final ByteBuffer featureBuf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer targetBuf = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private long featuresWritten = HEADER_BYTES;
        private long sideWritten;
        private long targetsAt;

        Rows(FileChannel out, FileChannel side, boolean regression) {
            this.out = out;
            this.side = side;
            this.regression = regression;
        }

        @Override
        public void start(int features) {}

        @Override
        public void row(float[] features, int classId, float value) throws IOException {
            for (float f : features) {
                if (!featureBuf.hasRemaining()) {
                    featuresWritten += flush(featureBuf, out, featuresWritten, crc);
                }
                featureBuf.putFloat(f);
            }
            if (!targetBuf.hasRemaining()) {
                sideWritten += flush(targetBuf, side, sideWritten, null);
            }
            if (regression) {
                targetBuf.putFloat(value);
            } else {
                targetBuf.putInt(classId);
            }
        }

        @Override
        public void finish(int rows, int[] classRemapOrNull) throws IOException {
            featuresWritten += flush(featureBuf, out, featuresWritten, crc);
            sideWritten += flush(targetBuf, side, sideWritten, null);
            targetsAt = featuresWritten;
            long at = targetsAt;
            for (long read = 0; read < sideWritten; ) {
                targetBuf.clear().limit((int) Math.min(BUFFER_BYTES, sideWritten - read));
                readFully(side, targetBuf, read);
                read += targetBuf.flip().remaining();
                if (classRemapOrNull != null) {
                    for (int i = 0; i + Integer.BYTES <= targetBuf.limit(); i += Integer.BYTES) {
                        targetBuf.putInt(i, classRemapOrNull[targetBuf.getInt(i)]);
                    }
                }
                at += flush(targetBuf.position(targetBuf.limit()), out, at, crc);
            }
            out.position(at);
        }

        /** Writes the buffer's content at {@code at}, adds it to {@code crcOrNull}, empties it; returns the bytes written. */
        private static int flush(ByteBuffer buf, FileChannel ch, long at, CRC32C crcOrNull) throws IOException {
            buf.flip();
            int n = buf.remaining();
            if (crcOrNull != null) {
                crcOrNull.update(buf.duplicate());
            }
            writeFully(ch, buf, at);
            buf.clear();
            return n;
        }
    }

    private static ByteBuffer names(Path csv, String labelColumn, CsvRows.Table table) {
        List<String> all = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (List<String> group : List.of(List.of(csv.toAbsolutePath().toString()), List.of(labelColumn),
                table.featureNames(), table.classNames())) {
            counts.add(group.size());
            all.addAll(group);
        }
        List<byte[]> encoded = all.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        long bytes = Integer.BYTES * (long) (counts.size() + encoded.size());
        for (byte[] e : encoded) {
            bytes += e.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        int next = 0;
        for (int count : counts) {
            buf.putInt(count);
            for (int i = 0; i < count; i++) {
                byte[] e = encoded.get(next++);
                buf.putInt(e.length).put(e);
            }
        }
        return buf.flip();
    }

    private static List<String> strings(ByteBuffer buf) {
        int count = buf.getInt();
        if (count < 0 || count > buf.remaining() / Integer.BYTES) {
            throw new IllegalArgumentException("bad count " + count);
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new String(bytes(buf, buf.getInt()), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buf, int n) {
        if (n < 0 || n > buf.remaining()) {
            throw new IllegalArgumentException("bad length " + n);
        }
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    private static int crcOf(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** The checksum of bytes [from, to) of a file, read through a buffer so no page of it is mapped. */
    private static int crcOf(FileChannel ch, long from, long to) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        for (long at = from; at < to; ) {
            buf.clear().limit((int) Math.min(BUFFER_BYTES, to - at));
            readFully(ch, buf, at);
            at += buf.flip().remaining();
            crc.update(buf);
        }
        return (int) crc.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long pos = at;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
