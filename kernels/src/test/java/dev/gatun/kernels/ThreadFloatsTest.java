package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Per-thread scratch arrays: reused while they fit, grown when not, never shared between threads or slots. */
class ThreadFloatsTest {
    @Test
    void anArrayIsReusedWhileItFitsAndGrownWhenNot() {
        ThreadFloats scratch = new ThreadFloats(2);
        float[] first = scratch.get(0, 10);
        assertEquals(10, first.length);
        first[3] = 7f;
        float[] again = scratch.get(0, 4);
        assertSame(first, again, "a shorter request reuses the array");
        assertEquals(7f, again[3], "and keeps what the thread left there");
        float[] grown = scratch.get(0, 11);
        assertEquals(11, grown.length);
        assertEquals(0f, grown[3], "a grown array starts at zero");
        assertNotSame(grown, scratch.get(1, 11), "slots are separate");
    }

    @Test
    void eachThreadHasItsOwnArrays() throws InterruptedException {
        ThreadFloats scratch = new ThreadFloats(1);
        float[] mine = scratch.get(0, 8);
        AtomicReference<float[]> theirs = new AtomicReference<>();
        Thread other = new Thread(() -> theirs.set(scratch.get(0, 8)));
        other.start();
        other.join();
        assertTrue(theirs.get() != null && theirs.get() != mine);
        assertSame(mine, scratch.get(0, 8));
    }

    @Test
    void aCountBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ThreadFloats(0));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
    }
}
