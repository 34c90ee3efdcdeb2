package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A task's failure comes back as it was thrown: IOExceptions and unchecked ones thrown, other checked ones returned. */
class TaskFailuresTest {
    @Test
    void eachKindOfCauseComesBackAsItWas() throws IOException {
        IOException io = new IOException("a.png: disk full");
        assertSame(io, assertThrows(IOException.class, () -> TaskFailures.rethrowCause(new ExecutionException(io))));
        IllegalArgumentException bad = new IllegalArgumentException("no data");
        assertSame(bad, assertThrows(IllegalArgumentException.class,
                () -> TaskFailures.rethrowCause(new ExecutionException(bad))));
        OutOfMemoryError oom = new OutOfMemoryError("heap");
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> TaskFailures.rethrowCause(new ExecutionException(oom))));
        TimeoutException checked = new TimeoutException("late");
        assertSame(checked, TaskFailures.rethrowCause(new ExecutionException(checked)));
    }
}
