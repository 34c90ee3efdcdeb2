package dev.gatun.train.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(1_000 * MS);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void nonInteractivePrintsTenPercentLinesAndSummaryWithoutCarriageReturn() {
        try (ProgressBar bar = new ProgressBar("epoch 1", 1000, out, false, now::get)) {
            for (int i = 0; i < 100; i++) {
                now.addAndGet(10 * MS);
                bar.step(10, "loss 0.4312");
            }
        }
        String s = text();
        assertFalse(s.contains("\r"), s);
        String[] lines = s.split("\n");
        // 10%..90% lines, then the summary (100% is the summary's job).
        assertEquals(10, lines.length, s);
        assertTrue(lines[0].startsWith("epoch 1  10% 100/1000"), lines[0]);
        assertTrue(lines[0].contains("1000/s") && lines[0].contains("loss 0.4312"), lines[0]);
        assertTrue(lines[8].contains(" 90% 900/1000"), lines[8]);
        assertEquals("epoch 1 done 1000/1000 in 1.0s (1000/s)  loss 0.4312", lines[9]);
    }

    @Test
    void nonInteractiveBigStepsPrintOnlyTheLatestMark() {
        try (ProgressBar bar = new ProgressBar("x", 100, out, false, now::get)) {
            now.addAndGet(MS);
            bar.step(55, null);
            bar.step(45, null);
        }
        String[] lines = text().split("\n");
        assertEquals(2, lines.length, text());
        assertTrue(lines[0].contains(" 55% 55/100"), lines[0]);
        assertTrue(lines[1].startsWith("x done 100/100"), lines[1]);
    }

    @Test
    void nonInteractiveUnknownTotalPrintsOnlyTheSummary() {
        try (ProgressBar bar = new ProgressBar("eval", 0, out, false, now::get)) {
            now.addAndGet(2000 * MS);
            bar.step(500, "acc 0.91");
        }
        assertEquals("eval done 500 in 2.0s (250/s)  acc 0.91\n", text().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void interactiveRedrawsWithCarriageReturnBarAndEta() {
        ProgressBar bar = new ProgressBar("epoch 2", 600, out, true, now::get);
        now.addAndGet(1000 * MS);
        bar.step(100, "loss 1.2");
        String first = text();
        assertTrue(first.startsWith("\repoch 2 ["), first);
        assertTrue(first.contains("100/600"), first);
        assertTrue(first.contains("100/s"), first);
        assertTrue(first.contains("ETA 5.0s"), first);
        assertTrue(first.contains("loss 1.2"), first);
        assertTrue(first.contains("[=====>"), first);
        assertFalse(first.contains("\n"), first);

        now.addAndGet(5000 * MS);
        bar.step(500, "loss 0.3");
        bar.close();
        String s = text();
        assertTrue(s.endsWith("\n"), s);
        assertTrue(s.contains("[" + "=".repeat(30) + "] 600/600"), s);
        assertEquals(3, count(s, "\r"), s);
        bar.close(); // idempotent
        assertEquals(s, text());
        assertThrows(IllegalStateException.class, () -> bar.step(1, ""));
    }

    @Test
    void interactiveThrottlesToTenRedrawsPerSecond() {
        try (ProgressBar bar = new ProgressBar("t", 1_000_000, out, true, now::get)) {
            // 1000 steps over one simulated second: 1 ms apart.
            for (int i = 0; i < 1000; i++) {
                now.addAndGet(MS);
                bar.step(1, "");
            }
            assertEquals(10, count(text(), "\r"), "one redraw per 100 ms");
        }
        assertEquals(11, count(text(), "\r"), "close draws the final state");
    }

    @Test
    void shorterRedrawErasesTheLongerOne() {
        try (ProgressBar bar = new ProgressBar("p", 10, out, true, now::get)) {
            bar.step(1, "a very long stats text");
            now.addAndGet(200 * MS);
            bar.step(1, "");
            String[] draws = text().split("\r");
            assertEquals(draws[1].length(), draws[2].length());
        }
    }

    @Test
    void durations() {
        assertEquals("7.3s", ProgressBar.formatDuration(7.26));
        assertEquals("1:05", ProgressBar.formatDuration(65));
        assertEquals("2:00:01", ProgressBar.formatDuration(7201));
        assertEquals("--:--", ProgressBar.formatDuration(Double.NaN));
    }

    @Test
    void isTerminalDoesNotThrow() {
        // Under surefire stdout is a pipe; the answer depends on the JVM, but it must answer.
        ProgressBar.isTerminal();
    }
}
