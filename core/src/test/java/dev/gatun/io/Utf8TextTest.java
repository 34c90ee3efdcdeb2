package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict UTF-8 decoding: valid text reads as the JDK decodes it, the first bad byte is named with its line. */
class Utf8TextTest {
    @TempDir
    Path dir;

    @Test
    void aFileLargerThanItsLimitIsRefusedBeforeItIsReadNamingItsSizeAndTheLimit() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"a\": 1}");
        assertEquals("{\"a\": 1}", Utf8Text.read(file, 8, "a state"));
        FileTooLargeException e = assertThrows(FileTooLargeException.class, () -> Utf8Text.read(file, 7, "a state"));
        assertEquals(file + ": 8 bytes, more than the 7 that a state may have", e.getMessage());
        assertEquals(7, e.limit());
    }

    @Test
    void aFileWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.write(file, "ab\ncd\nsch\u00f6n\n".getBytes(StandardCharsets.ISO_8859_1));
        MalformedUtf8Exception e = assertThrows(MalformedUtf8Exception.class, () -> Utf8Text.read(file));
        assertEquals(file + ": line 3: not valid UTF-8 at byte 10 (0xF6)", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(10, e.offset());
        assertEquals(file.toString(), e.source());
    }

    @Test
    void linesEndAtLineFeedsCarriageReturnsAndBothTogether() {
        byte[] text = bytes("a\r\nb\rc\n\n", 0xFF);
        MalformedUtf8Exception e = assertThrows(MalformedUtf8Exception.class, () -> Utf8Text.decode(text, "t"));
        assertEquals("t: line 5: not valid UTF-8 at byte 9 (0xFF)", e.getMessage());
    }

    @Test
    void validTextDecodesAsTheJdkDecodesItAcrossChunkBoundaries() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append(i % 7 == 0 ? "\u00e9" : i % 11 == 0 ? "\u20ac" : i % 13 == 0 ? "\ud83d\ude00" : "x");
            sb.append(i % 50 == 0 ? "\n" : "");
        }
        String text = sb.toString();
        assertEquals(text, Utf8Text.decode(text.getBytes(StandardCharsets.UTF_8), "t"));
        // One char at a time: a character of two UTF-16 units still comes out whole.
        try (Reader r = Utf8Text.reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t")) {
            StringBuilder out = new StringBuilder();
            char[] one = new char[1];
            while (r.read(one, 0, 1) == 1) {
                out.append(one[0]);
            }
            assertEquals(text, out.toString());
        }
    }

    @Test
    void aBadByteFarIntoTheTextIsCountedAcrossChunks() {
        String good = "0123456789\n".repeat(2000);
        byte[] text = bytes(good + "ok", 0xC3, 0x28);
        MalformedUtf8Exception e = assertThrows(MalformedUtf8Exception.class, () -> Utf8Text.decode(text, "big"));
        assertEquals(2001, e.line());
        assertEquals(good.length() + 3, e.offset());
    }

    @Test
    void overlongFormsEncodedSurrogatesAndACharacterCutShortAreRefused() {
        assertEquals(2, assertThrows(MalformedUtf8Exception.class,
                () -> Utf8Text.decode(bytes("a", 0xC0, 0x80), "t")).offset());
        assertEquals(2, assertThrows(MalformedUtf8Exception.class,
                () -> Utf8Text.decode(bytes("a", 0xED, 0xA0, 0x80), "t")).offset());
        MalformedUtf8Exception cut = assertThrows(MalformedUtf8Exception.class,
                () -> Utf8Text.decode(bytes("ab", 0xE2, 0x82), "t"));
        assertEquals("t: line 1: not valid UTF-8 at byte 3 (0xE2)", cut.getMessage());
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() throws IOException {
        assertEquals("a,b", Utf8Text.decode(bytes("", 0xEF, 0xBB, 0xBF, 'a', ',', 'b'), "t"));
        assertEquals("", Utf8Text.decode(bytes("", 0xEF, 0xBB, 0xBF), "t"));
        assertEquals("", Utf8Text.decode(new byte[0], "t"));
        // Only the first: one later in the text is a character like any other.
        assertEquals("a\uFEFF", Utf8Text.decode(bytes("a", 0xEF, 0xBB, 0xBF), "t"));
        Path file = dir.resolve("bom.txt");
        Files.write(file, bytes("", 0xEF, 0xBB, 0xBF, 'x', '\n'));
        try (var r = Utf8Text.newBufferedReader(file)) {
            assertEquals("x", r.readLine());
        }
    }

    /** {@code prefix} in UTF-8, then the given bytes. */
    private static byte[] bytes(String prefix, int... tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        for (int b : tail) {
            out.write(b);
        }
        return out.toByteArray();
    }
}
