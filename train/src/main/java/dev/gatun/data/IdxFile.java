package dev.gatun.data;

import dev.gatun.tensor.MemoryBudget;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A parsed IDX file: its element type, its dimensions, and its data (big-endian, as in the
 * file) in a MemorySegment owned by the arena the caller passed.
 *
 * <p>Plain files are memory-mapped and {@link #data()} is a slice of the mapping just past the
 * header, its resident pages kept within a {@link MappedFile.Budget} as readers
 * {@linkplain #markRead mark} what they read; gzip files are inflated straight into an off-heap
 * segment from the arena.
 *
 * @param path the file
 * @param type the element type
 * @param dims the dimensions
 * @param data the elements, big-endian as in the file
 * @param mappingOrNull the mapping {@code data} is a slice of, or null when it is not mapped
 */
public record IdxFile(Path path, IdxType type, int[] dims, MemorySegment data, MappedFile mappingOrNull) {

    /** More dimensions than this is a corrupt header, not a real tensor. */
    public static final int MAX_DIMS = 16;

    private static final int CHUNK = 1 << 16;
    /** Deflate cannot expand data more than ~1032:1, so a header promising more is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final ValueLayout.OfInt INT_BE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Data that is not mapped.
     *
     * @param path the file
     * @param type the element type
     * @param dims the dimensions
     * @param data the elements, big-endian as in the file
     */
    public IdxFile(Path path, IdxType type, int[] dims, MemorySegment data) {
        this(path, type, dims, data, null);
    }

    /** Copies the dimensions and checks that the data holds exactly their elements. */
    public IdxFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        dims = dims.clone();
        long expected;
        try {
            expected = Math.multiplyExact(product(dims), type.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("dims " + shape(dims) + " overflow a long");
        }
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("data holds " + data.byteSize() + " bytes but "
                    + type + " " + shape(dims) + " needs " + expected);
        }
    }

    /**
     * Reads an IDX file as {@link #read(Path, Arena, MappedFile.Budget)} does, a plain one with
     * a resident budget of its own of {@link MappedFile#defaultResidentBytes()}.
     *
     * @param path the file
     * @param arena the arena owning the data
     * @return the parsed file
     * @throws IdxFormatException naming the file when it is missing or malformed (bad gzip data
     *     included)
     * @throws dev.gatun.tensor.MemoryBudgetException when a gzip file's data would not fit the
     *     {@link MemoryBudget}
     */
    public static IdxFile read(Path path, Arena arena) throws IOException {
        return read(path, arena, MappedFile.Budget.ofDefault());
    }

    /**
     * Reads an IDX file, plain or gzip-compressed (recognised by its content, not its name).
     *
     * @param path the file
     * @param arena the arena owning the data
     * @param budget the resident budget a plain file's mapping shares with the other files of
     *     its data set
     * @return the parsed file
     * @throws IdxFormatException naming the file when it is missing or malformed (bad gzip data
     *     included)
     * @throws dev.gatun.tensor.MemoryBudgetException when a gzip file's data would not fit the
     *     {@link MemoryBudget}
     */
    public static IdxFile read(Path path, Arena arena, MappedFile.Budget budget) throws IOException {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(budget, "budget");
        if (!Files.exists(path)) {
            throw new IdxFormatException(path, path.isAbsolute() ? "file not found"
                    : "file not found (looked for " + path.toAbsolutePath() + ")");
        }
        if (!Files.isRegularFile(path)) {
            throw new IdxFormatException(path, "not a regular file");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return isGzip(path, ch) ? readGzip(path, ch, arena) : readPlain(path, ch, arena, budget);
        }
    }

    /** {@return the number of elements: the product of the dimensions} */
    public long elementCount() {
        return product(dims);
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return dims.length;
    }

    /**
     * Size of one dimension.
     *
     * @param axis the dimension's index
     * @return the dimension's size
     */
    public int dim(int axis) {
        return dims[Objects.checkIndex(axis, dims.length)];
    }

    /** {@return a copy of the dimensions} */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /**
     * {@return the entries along the first axis: images in an image file, labels in a label file}
     */
    public int count() {
        return dims[0];
    }

    /**
     * The bytes of entry {@code index} along the first axis, e.g. one 28x28 image.
     *
     * @param index the entry's index
     * @return the entry's bytes
     */
    public MemorySegment item(long index) {
        Objects.checkIndex(index, count());
        long itemBytes = data.byteSize() / Math.max(1, dims[0]);
        return data.asSlice(index * itemBytes, itemBytes);
    }

    /**
     * Element {@code index} (row-major over all dimensions) of UBYTE data, as 0..255.
     *
     * @param index the element's row-major index
     * @return the element, 0..255
     */
    public int unsignedByte(long index) {
        if (type != IdxType.UBYTE) {
            throw new IllegalStateException(path + " holds " + type + " data, not UBYTE");
        }
        Objects.checkIndex(index, data.byteSize());
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, index));
    }

    /**
     * Counts bytes {@code [offset, offset + bytes)} of the data as read, after reading them,
     * against the mapping's resident budget; nothing for inflated data, which is not mapped.
     *
     * @param offset where the bytes start in {@link #data()}
     * @param bytes how many bytes were read
     */
    public void markRead(long offset, long bytes) {
        Objects.checkFromIndexSize(offset, bytes, data.byteSize());
        if (mappingOrNull != null) {
            mappingOrNull.markRead(data.address() - mappingOrNull.segment().address() + offset, bytes);
        }
    }

    @Override
    public String toString() {
        return "IdxFile[" + path + ", " + type + " " + shape(dims) + "]";
    }

    // ---- reading -------------------------------------------------------------------------

    private static boolean isGzip(Path path, FileChannel ch) throws IOException {
        if (ch.size() < 2) {
            return false;
        }
        ByteBuffer two = ByteBuffer.allocate(2);
        readFully(path, ch, two, 0);
        return (two.get(0) & 0xFF) == 0x1F && (two.get(1) & 0xFF) == 0x8B;
    }

    private static IdxFile readPlain(Path path, FileChannel ch, Arena arena, MappedFile.Budget budget)
            throws IOException {
        long size = ch.size();
        if (size < 4) {
            throw new IdxFormatException(path, "file too short for the IDX header: " + size
                    + " bytes, the magic number alone needs 4");
        }
        ByteBuffer magic = ByteBuffer.allocate(4);
        readFully(path, ch, magic, 0);
        byte[] m = magic.array();
        IdxType type = checkMagic(path, m);
        int ndims = m[3] & 0xFF;
        long headerBytes = 4 + 4L * ndims;
        if (size < headerBytes) {
            throw new IdxFormatException(path, "file too short for the IDX header: " + size
                    + " bytes, but a header with " + ndims + " dimensions needs " + headerBytes);
        }
        ByteBuffer dimBytes = ByteBuffer.allocate(4 * ndims).order(ByteOrder.BIG_ENDIAN);
        readFully(path, ch, dimBytes, 4);
        int[] dims = new int[ndims];
        for (int i = 0; i < ndims; i++) {
            dims[i] = dimBytes.getInt(4 * i);
        }
        long dataBytes = dataBytes(path, type, dims);
        long found = size - headerBytes;
        checkLength(path, type, dims, dataBytes, found);
        // Map the whole file (the header is tiny) and hand out the slice after it.
        MappedFile file = MappedFile.map(path, ch, arena, budget);
        return new IdxFile(path, type, dims, file.segment().asSlice(headerBytes, dataBytes), file);
    }

    private static IdxFile readGzip(Path path, FileChannel ch, Arena arena) throws IOException {
        long compressedSize = ch.size();
        ch.position(0);
        try {
            // Inside the try: the constructor reads the gzip header, which may be cut short or bad.
            // Not closed here: closing it would close ch, which read() closes anyway.
            InputStream in = new GZIPInputStream(Channels.newInputStream(ch), CHUNK);
            byte[] magic = new byte[4];
            int got = readUpTo(in, magic, 0, 4);
            if (got < 4) {
                throw new IdxFormatException(path, "file too short for the IDX header: it inflates to "
                        + got + " bytes, the magic number alone needs 4");
            }
            IdxType type = checkMagic(path, magic);
            int ndims = magic[3] & 0xFF;
            byte[] dimBytes = new byte[4 * ndims];
            got = readUpTo(in, dimBytes, 0, dimBytes.length);
            if (got < dimBytes.length) {
                throw new IdxFormatException(path, "file too short for the IDX header: it inflates to "
                        + (4 + got) + " bytes, but a header with " + ndims + " dimensions needs "
                        + (4 + dimBytes.length));
            }
            ByteBuffer bb = ByteBuffer.wrap(dimBytes).order(ByteOrder.BIG_ENDIAN);
            int[] dims = new int[ndims];
            for (int i = 0; i < ndims; i++) {
                dims[i] = bb.getInt(4 * i);
            }
            long dataBytes = dataBytes(path, type, dims);
            long maxInflated = compressedSize > Long.MAX_VALUE / MAX_DEFLATE_RATIO
                    ? Long.MAX_VALUE : compressedSize * MAX_DEFLATE_RATIO;
            if (dataBytes > maxInflated) {
                // The header promises more than this file could ever inflate to; count what is
                // there instead of allocating a segment that cannot be filled.
                checkLength(path, type, dims, dataBytes, skipAll(in));
            }
            MemoryBudget.require("the data of " + path + " (" + type.name().toLowerCase(Locale.ROOT) + " "
                    + shape(dims) + ")", dataBytes);
            MemorySegment data = arena.allocate(dataBytes, 8);
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, dataBytes))];
            long filled = 0;
            try {
                while (filled < dataBytes) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, dataBytes - filled));
                    if (n < 0) {
                        break;
                    }
                    MemorySegment.copy(chunk, 0, data, ValueLayout.JAVA_BYTE, filled, n);
                    filled += n;
                }
            } catch (EOFException e) {
                throw new IdxFormatException(path, "truncated: expected " + dataBytes
                        + " bytes of data, found " + filled + " before the gzip stream broke off"
                        + " (header says " + type.name().toLowerCase(Locale.ROOT) + " " + shape(dims) + ")", e);
            }
            long found = filled < dataBytes ? filled : filled + skipAll(in);
            checkLength(path, type, dims, dataBytes, found);
            return new IdxFile(path, type, dims, data);
        } catch (EOFException e) {
            throw new IdxFormatException(path, "truncated: the gzip stream breaks off early"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (ZipException e) {
            throw new IdxFormatException(path, "corrupt gzip data: " + e.getMessage(), e);
        }
    }

    private static IdxType checkMagic(Path path, byte[] m) throws IdxFormatException {
        if (m[0] != 0 || m[1] != 0) {
            throw new IdxFormatException(path, String.format(Locale.ROOT,
                    "wrong magic number %02X %02X %02X %02X: expected 00 00 <type byte> <ndims>"
                            + " (not an IDX file?)", m[0], m[1], m[2], m[3]));
        }
        IdxType type = IdxType.ofCode(m[2] & 0xFF);
        if (type == null) {
            throw new IdxFormatException(path, String.format(Locale.ROOT,
                    "unknown element type byte 0x%02X in the magic number; expected one of %s",
                    m[2] & 0xFF, IdxType.describeAll()));
        }
        int ndims = m[3] & 0xFF;
        if (ndims == 0) {
            throw new IdxFormatException(path, "header declares 0 dimensions; an IDX file needs at least 1");
        }
        if (ndims > MAX_DIMS) {
            throw new IdxFormatException(path, "header declares " + ndims
                    + " dimensions; more than " + MAX_DIMS + " means a corrupt header");
        }
        return type;
    }

    private static long dataBytes(Path path, IdxType type, int[] dims) throws IdxFormatException {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IdxFormatException(path, "dimension " + i + " is negative (" + dims[i]
                        + ") in " + shape(dims));
            }
        }
        try {
            return Math.multiplyExact(product(dims), type.byteSize());
        } catch (ArithmeticException e) {
            throw new IdxFormatException(path, "dimensions " + shape(dims) + " of "
                    + type.name().toLowerCase(Locale.ROOT) + " overflow a 64-bit byte count");
        }
    }

    private static void checkLength(Path path, IdxType type, int[] dims, long expected, long found)
            throws IdxFormatException {
        String what = " (header says " + type.name().toLowerCase(Locale.ROOT) + " " + shape(dims) + ")";
        if (found < expected) {
            throw new IdxFormatException(path, "truncated: expected " + expected
                    + " bytes of data, found " + found + what);
        }
        if (found > expected) {
            throw new IdxFormatException(path, "trailing garbage: expected " + expected
                    + " bytes of data, found " + found + ", " + (found - expected)
                    + " extra bytes after the data" + what);
        }
    }

    private static long product(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static String shape(int[] dims) {
        StringJoiner j = new StringJoiner("x", "[", "]");
        Arrays.stream(dims).forEach(d -> j.add(Integer.toString(d)));
        return j.toString();
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new IdxFormatException(path, "the file shrank while it was read");
            }
        }
    }

    /** Reads until {@code len} bytes or a clean end of stream; returns the count read. */
    private static int readUpTo(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static long skipAll(InputStream in) throws IOException {
        byte[] sink = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(sink)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
