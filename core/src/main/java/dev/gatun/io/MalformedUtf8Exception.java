package dev.gatun.io;

import java.io.IOException;
import java.util.Locale;

/**
 * Text that is not valid UTF-8: {@code FILE: line N: not valid UTF-8 at byte K (0xE9)}, where
 * {@code K} counts the file's bytes from 1 and {@code N} its lines from 1. Readers of a format
 * rethrow it as their own exception with {@link #line()} and {@link #problem()}.
 */
public final class MalformedUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;

    /** What the text was read from. */
    private final String source;
    /** The 1-based line holding the bad byte. */
    private final long line;
    /** The bad byte's 1-based position from the start of the text. */
    private final long offset;
    /** The problem without the source and line. */
    private final String problem;

    /**
     * The byte at 1-based {@code offset} (of value {@code value}, 0..255) on line {@code line} of
     * {@code source} does not start or continue a valid UTF-8 character.
     *
     * @param source what the text was read from, for the message
     * @param line the 1-based line holding the byte
     * @param offset the byte's 1-based position from the start of the text
     * @param value the byte, 0..255
     */
    public MalformedUtf8Exception(String source, long line, long offset, int value) {
        this(source, line, offset, String.format(Locale.ROOT, "not valid UTF-8 at byte %d (0x%02X)", offset, value));
    }

    private MalformedUtf8Exception(String source, long line, long offset, String problem) {
        super(source + ": line " + line + ": " + problem);
        this.source = source;
        this.line = line;
        this.offset = offset;
        this.problem = problem;
    }

    /** {@return what the text was read from: a file name, or whatever the caller named it} */
    public String source() {
        return source;
    }

    /** {@return the 1-based line holding the bad byte} */
    public long line() {
        return line;
    }

    /** {@return the bad byte's 1-based position from the start of the text} */
    public long offset() {
        return offset;
    }

    /** {@return the problem without the source and line: {@code not valid UTF-8 at byte K (0xE9)}} */
    public String problem() {
        return problem;
    }
}
