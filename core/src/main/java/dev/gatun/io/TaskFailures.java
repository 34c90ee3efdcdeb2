package dev.gatun.io;

import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** What a task that ran on another thread failed with, thrown again on the thread that waited for it. */
public final class TaskFailures {
    private TaskFailures() {}

    /**
     * Throws the cause of {@code e} as it was when it is an {@link IOException}, a runtime
     * exception or an error; returns any other (checked) cause for the caller to wrap.
     *
     * @param e the failure reported by a {@link java.util.concurrent.Future}
     * @return the cause, when it is a checked exception other than an IOException
     * @throws IOException when the task failed with one
     */
    public static Throwable rethrowCause(ExecutionException e) throws IOException {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return cause;
    }
}
