package dev.gatun.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A PrintStream onto the command's PrintWriter, for library code that prints to a stream (the
 * trainer's progress): whole lines are decoded as UTF-8, so multi-byte characters never split.
 */
final class WriterStream extends OutputStream {
    private final PrintWriter out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private WriterStream(PrintWriter out) {
        this.out = out;
    }

    static PrintStream of(PrintWriter out) {
        return new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        line.write(b);
        if (b == '\n' || b == '\r') {
            flush();
        }
    }

    @Override
    public void flush() {
        if (line.size() > 0) {
            out.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        out.flush();
    }
}
