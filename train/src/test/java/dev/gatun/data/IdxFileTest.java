package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {
    @TempDir
    Path dir;

    /** Header for {@code type} with {@code dims}, followed by {@code data}. */
    static byte[] idx(int typeCode, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) typeCode).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    private String failure(String name, byte[] content) throws IOException {
        Path p = write(name, content);
        try (Arena arena = Arena.ofConfined()) {
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, arena));
            assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
            assertEquals(p, e.path());
            return e.getMessage();
        }
    }

    @Test
    void readsPlainUbyte() throws IOException {
        byte[] data = ramp(2 * 3 * 4);
        Path p = write("plain-idx3-ubyte", idx(0x08, new int[] {2, 3, 4}, data));
        try (Arena arena = Arena.ofConfined()) {
            IdxFile f = IdxFile.read(p, arena);
            assertEquals(IdxType.UBYTE, f.type());
            assertArrayEquals(new int[] {2, 3, 4}, f.dims());
            assertEquals(24, f.elementCount());
            assertEquals(3, f.rank());
            assertEquals(2, f.count());
            assertArrayEquals(data, f.data().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(Byte.toUnsignedInt(data[23]), f.unsignedByte(23));
            assertEquals(Byte.toUnsignedInt(data[12]), Byte.toUnsignedInt(f.item(1).get(ValueLayout.JAVA_BYTE, 0)));
            assertThrows(IndexOutOfBoundsException.class, () -> f.unsignedByte(24));
            assertThrows(IndexOutOfBoundsException.class, () -> f.unsignedByte(-1));
            // The data is the mapping, not a heap copy.
            assertTrue(f.data().isMapped());
            assertTrue(f.data().isReadOnly());
        }
    }

    @Test
    void readsGzipByContentNotName() throws IOException {
        byte[] data = ramp(5 * 3);
        // No .gz suffix: detection is by the 1f 8b magic.
        Path p = write("labels-no-suffix", gzip(idx(0x08, new int[] {5, 3}, data)));
        try (Arena arena = Arena.ofConfined()) {
            IdxFile f = IdxFile.read(p, arena);
            assertArrayEquals(new int[] {5, 3}, f.dims());
            assertArrayEquals(data, f.data().toArray(ValueLayout.JAVA_BYTE));
            assertTrue(f.data().isNative());
        }
    }

    @Test
    void readsLargeGzipAcrossChunks() throws IOException {
        byte[] data = ramp(300_001);
        Path p = write("big.gz", gzip(idx(0x08, new int[] {300_001}, data)));
        try (Arena arena = Arena.ofConfined()) {
            IdxFile f = IdxFile.read(p, arena);
            assertArrayEquals(data, f.data().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void readsFloatBigEndian() throws IOException {
        ByteBuffer floats = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Path p = write("f.idx", idx(0x0D, new int[] {2}, floats.array()));
        try (Arena arena = Arena.ofConfined()) {
            IdxFile f = IdxFile.read(p, arena);
            assertEquals(IdxType.FLOAT, f.type());
            var be = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            assertEquals(1.5f, f.data().get(be, 0));
            assertEquals(-2f, f.data().get(be, 4));
            assertThrows(IllegalStateException.class, () -> f.unsignedByte(0));
        }
    }

    @Test
    void readsEveryTypeAndEmptyData() throws IOException {
        for (IdxType t : IdxType.values()) {
            Path p = write("t" + t, idx(t.code(), new int[] {3, 0}, new byte[0]));
            try (Arena arena = Arena.ofConfined()) {
                IdxFile f = IdxFile.read(p, arena);
                assertEquals(t, f.type());
                assertEquals(0, f.elementCount());
            }
            Path q = write("u" + t, idx(t.code(), new int[] {2}, new byte[2 * t.byteSize()]));
            try (Arena arena = Arena.ofConfined()) {
                assertEquals(2 * t.byteSize(), IdxFile.read(q, arena).data().byteSize());
            }
        }
    }

    @Test
    void dataOutlivesNothingButTheArena() throws IOException {
        Path p = write("x", idx(0x08, new int[] {4}, ramp(4)));
        IdxFile f;
        try (Arena arena = Arena.ofConfined()) {
            f = IdxFile.read(p, arena);
            assertEquals(7, f.unsignedByte(1));
        }
        assertThrows(IllegalStateException.class, () -> f.unsignedByte(1));
    }

    @Test
    void missingFileNamesThePath() {
        Path p = dir.resolve("nope-idx1-ubyte");
        try (Arena arena = Arena.ofConfined()) {
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, arena));
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }

    @Test
    void tooShortForHeader() throws IOException {
        assertTrue(failure("empty", new byte[0]).contains("too short for the IDX header"));
        assertTrue(failure("three", new byte[] {0, 0, 8}).contains("too short for the IDX header"));
        // Magic promises 3 dims (12 bytes), only 5 follow.
        String m = failure("dims", new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0});
        assertTrue(m.contains("too short for the IDX header") && m.contains("3 dimensions needs 16"), m);
        String g = failure("dims.gz", gzip(new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0}));
        assertTrue(g.contains("too short for the IDX header"), g);
    }

    @Test
    void wrongMagicShowsBytesAndExpectation() throws IOException {
        String m = failure("zip", new byte[] {0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4});
        assertTrue(m.contains("wrong magic number 50 4B 03 04"), m);
        assertTrue(m.contains("expected 00 00 <type byte> <ndims>"), m);
    }

    @Test
    void unknownTypeByte() throws IOException {
        String m = failure("type", idx(0x07, new int[] {1}, new byte[1]));
        assertTrue(m.contains("unknown element type byte 0x07") && m.contains("0x08 ubyte"), m);
    }

    @Test
    void zeroOrHugeNdims() throws IOException {
        assertTrue(failure("zero", new byte[] {0, 0, 8, 0}).contains("0 dimensions"));
        String huge = failure("huge", new byte[] {0, 0, 8, (byte) 200});
        assertTrue(huge.contains("200 dimensions"), huge);
    }

    @Test
    void negativeDimension() throws IOException {
        String m = failure("neg", idx(0x08, new int[] {2, -5}, new byte[0]));
        assertTrue(m.contains("dimension 1 is negative (-5)"), m);
    }

    @Test
    void elementProductOverflow() throws IOException {
        int big = Integer.MAX_VALUE;
        String m = failure("overflow", idx(0x0E, new int[] {big, big, big}, new byte[0]));
        assertTrue(m.contains("overflow"), m);
    }

    @Test
    void truncatedData() throws IOException {
        String m = failure("trunc", idx(0x08, new int[] {2, 5}, new byte[7]));
        assertTrue(m.contains("truncated: expected 10 bytes of data, found 7"), m);
        String g = failure("trunc.gz", gzip(idx(0x0C, new int[] {4}, new byte[15])));
        assertTrue(g.contains("truncated: expected 16 bytes of data, found 15"), g);
    }

    @Test
    void headerPromisingFarMoreThanTheGzipHoldsIsTruncatedNotOutOfMemory() throws IOException {
        String g = failure("liar.gz", gzip(idx(0x08, new int[] {1 << 30, 1 << 10}, new byte[3])));
        assertTrue(g.contains("truncated: expected " + (1L << 40) + " bytes of data, found 3"), g);
    }

    @Test
    void trailingGarbage() throws IOException {
        String m = failure("trail", idx(0x08, new int[] {2, 2}, new byte[6]));
        assertTrue(m.contains("trailing garbage") && m.contains("expected 4 bytes of data, found 6"), m);
        String g = failure("trail.gz", gzip(idx(0x08, new int[] {2, 2}, new byte[100_000])));
        assertTrue(g.contains("trailing garbage") && g.contains("99996 extra bytes"), g);
    }

    @Test
    void truncatedGzipStreamIsATruncationError() throws IOException {
        byte[] full = gzip(idx(0x08, new int[] {1000}, ramp(1000)));
        for (int cut : new int[] {full.length - 4, full.length / 2, 12}) {
            String m = failure("cut" + cut + ".gz", Arrays.copyOf(full, cut));
            assertTrue(m.contains("truncated"), m);
        }
        // Cut inside the data: the message counts the bytes that did arrive.
        byte[] big = gzip(idx(0x08, new int[] {200_000}, ramp(200_000)));
        String m = failure("cutdata.gz", Arrays.copyOf(big, big.length / 2));
        assertTrue(m.matches("(?s).*truncated: expected 200000 bytes of data, found \\d+ before the gzip stream broke off.*"), m);
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] full = gzip(idx(0x08, new int[] {1000}, ramp(1000)));
        for (int i = 12; i < full.length - 8; i++) {
            full[i] ^= (byte) 0x5A;
        }
        Path p = write("corrupt.gz", full);
        try (Arena arena = Arena.ofConfined()) {
            IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxFile.read(p, arena));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }

    @Test
    void anIdxFileOfOnlyTheGzipMagicIsAnIdxFormatExceptionNamingTheFile() throws IOException {
        Path p = dir.resolve("magic.gz");
        assertEquals(p + ": truncated: the gzip stream breaks off early",
                failure("magic.gz", new byte[] {0x1f, (byte) 0x8b}));
    }

    @Test
    void aGzipHeaderWithAnUnknownMethodIsAnIdxFormatExceptionNamingTheFile() throws IOException {
        Path p = dir.resolve("method.gz");
        assertEquals(p + ": corrupt gzip data: Unsupported compression method",
                failure("method.gz", new byte[] {0x1f, (byte) 0x8b, 0}));
    }

    @Test
    void aGzipHeaderCutAtAnyByteIsAnIdxFormatException() throws IOException {
        byte[] full = gzip(idx(0x08, new int[] {4}, ramp(4)));
        for (int cut = 2; cut <= 10; cut++) {
            String m = failure("header" + cut + ".gz", Arrays.copyOf(full, cut));
            assertTrue(m.contains("truncated"), m);
        }
    }

    @Test
    void gzipDataBeyondTheMemoryBudgetIsRefusedBeforeItIsAllocated() throws IOException {
        Path p = write("budget.gz", gzip(idx(0x08, new int[] {2 << 20}, new byte[2 << 20])));
        long limit = dev.gatun.tensor.MemoryBudget.limit();
        dev.gatun.tensor.MemoryBudget.setLimit(1 << 20);
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(dev.gatun.tensor.MemoryBudgetException.class, () -> IdxFile.read(p, arena));
            assertTrue(e.getMessage().startsWith("the data of " + p + " (ubyte [2097152]) needs 2.00 MiB"),
                    e.getMessage());
        } finally {
            dev.gatun.tensor.MemoryBudget.setLimit(limit);
        }
    }
}
