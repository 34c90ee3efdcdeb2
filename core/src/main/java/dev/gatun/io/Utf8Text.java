package dev.gatun.io;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text files decoded strictly as UTF-8. The JDK's readers either replace a bad byte silently or
 * fail with "Input length = 1", naming neither the file nor the place; these fail with a
 * {@link MalformedUtf8Exception} naming the source, the line and the byte. A leading byte-order
 * mark is dropped. Lines are counted as {@link BufferedReader#readLine()} counts them: ended by
 * {@code \n}, {@code \r\n} or a lone {@code \r}.
 */
public final class Utf8Text {
    private static final int CHUNK = 1 << 13;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private Utf8Text() {}

    /**
     * The whole of {@code file}. Callers bound the size first: this reads it all into memory.
     *
     * @param file the file to read
     * @return its text, without a leading byte-order mark
     * @throws MalformedUtf8Exception naming the file, line and byte of the first invalid byte
     */
    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readAll(reader(in, file.toString()));
        }
    }

    /**
     * The whole of {@code file} when it has at most {@code maxBytes} bytes: the size is checked
     * before anything is read.
     *
     * @param file the file to read
     * @param maxBytes the most bytes it may have
     * @param what what the file is, for the message (e.g. {@code "a sweep's state"})
     * @return its text, without a leading byte-order mark
     * @throws FileTooLargeException naming the file, its size, the limit and {@code what}
     * @throws MalformedUtf8Exception naming the file, line and byte of the first invalid byte
     */
    public static String read(Path file, long maxBytes, String what) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new FileTooLargeException(file, size, maxBytes, what);
        }
        return read(file);
    }

    /**
     * {@code bytes} as text; {@code source} names them in errors.
     *
     * @param bytes the UTF-8 bytes
     * @param source what the bytes are, for the message: a file name, a field
     * @return the text, without a leading byte-order mark
     * @throws MalformedUtf8Exception naming {@code source}, the line and the byte
     */
    public static String decode(byte[] bytes, String source) throws MalformedUtf8Exception {
        try {
            return readAll(reader(new ByteArrayInputStream(bytes), source));
        } catch (MalformedUtf8Exception e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array failed", e);
        }
    }

    /**
     * A buffered strict reader of {@code file}; close it.
     *
     * @param file the file to read
     * @return the reader; reading throws {@link MalformedUtf8Exception} at the first invalid byte
     * @throws IOException if the file cannot be opened
     */
    public static BufferedReader newBufferedReader(Path file) throws IOException {
        return new BufferedReader(reader(Files.newInputStream(file), file.toString()));
    }

    /**
     * A strict reader of {@code in}, which it closes when closed; {@code source} names the text in
     * errors. Reading throws {@link MalformedUtf8Exception} at the first invalid byte.
     *
     * @param in the UTF-8 bytes
     * @param source what the text is, for the message: a file name, a field
     * @return the reader
     */
    public static Reader reader(InputStream in, String source) {
        return new StrictReader(in, source);
    }

    private static String readAll(Reader r) throws IOException {
        try (r) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[CHUNK];
            for (int n; (n = r.read(buf)) >= 0; ) {
                sb.append(buf, 0, n);
            }
            return sb.toString();
        }
    }

    /** Decodes chunk by chunk, counting bytes and line ends so that an error can say where it is. */
    private static final class StrictReader extends Reader {
        private final InputStream in;
        private final String source;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        private final ByteBuffer bytes = ByteBuffer.allocate(CHUNK).flip();
        private final CharBuffer chars = CharBuffer.allocate(CHUNK).flip();
        /** Bytes decoded so far, before {@code bytes.position()}. */
        private long consumed;
        /** The line of the next byte to decode. */
        private long line = 1;
        private boolean lastWasCr;
        private boolean endOfInput;
        private boolean flushed;
        private boolean started;

        StrictReader(InputStream in, String source) {
            this.in = in;
            this.source = source;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, buf.length);
            if (len == 0) {
                return 0;
            }
            while (!chars.hasRemaining()) {
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, chars.remaining());
            chars.get(buf, off, n);
            return n;
        }

        /** Decodes more characters into {@code chars}; false at the end of the text. */
        private boolean fill() throws IOException {
            if (flushed) {
                return false;
            }
            chars.clear();
            try {
                while (chars.position() == 0) {
                    if (!bytes.hasRemaining() && !endOfInput) {
                        refill();
                    }
                    int start = bytes.position();
                    CoderResult r = decoder.decode(bytes, chars, endOfInput);
                    count(start, bytes.position());
                    if (r.isError()) {
                        throw new MalformedUtf8Exception(source, line, consumed + 1, bytes.get(bytes.position()) & 0xFF);
                    }
                    if (r.isUnderflow() && endOfInput) {
                        decoder.flush(chars);
                        flushed = true;
                        break;
                    }
                    if (r.isUnderflow() && !endOfInput) {
                        refill();
                    }
                }
            } finally {
                chars.flip();
            }
            if (!started && chars.hasRemaining()) {
                started = true;
                if (chars.get(chars.position()) == BYTE_ORDER_MARK) {
                    chars.get();
                }
            }
            return chars.hasRemaining() || !flushed;
        }

        /** Keeps the undecoded tail (part of a character) and reads more bytes after it. */
        private void refill() throws IOException {
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                endOfInput = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }

        private void count(int from, int to) {
            byte[] a = bytes.array();
            for (int i = from; i < to; i++) {
                byte b = a[i];
                if (b == '\n') {
                    if (!lastWasCr) {
                        line++;
                    }
                    lastWasCr = false;
                } else if (b == '\r') {
                    line++;
                    lastWasCr = true;
                } else {
                    lastWasCr = false;
                }
            }
            consumed += to - from;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
