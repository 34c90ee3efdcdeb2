package dev.gatun.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One {@link Parallel#forEach}: the tasks still to claim, how many have finished, and the first
 * failure. Any number of threads may call {@link #work}; each task runs exactly once.
 */
final class TaskClaims {
    // About as long as a parked thread takes to wake: waiting for a task in flight on the other
    // core usually ends within it, and parking would add a wake-up of its own.
    private static final long SPIN_NANOS = 20_000;
    private static final AtomicLong SERIAL = new AtomicLong();

    /** Tells jobs apart without holding on to them (and to the arrays their bodies capture). */
    final long serial = SERIAL.incrementAndGet();

    private final int tasks;
    private final IntConsumer body;
    private final Thread caller;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Throwable failure;

    TaskClaims(int tasks, IntConsumer body, Thread caller) {
        this.tasks = tasks;
        this.body = body;
        this.caller = caller;
    }

    /** Runs tasks until none is left to claim. After a failure the rest are claimed but skipped. */
    void work() {
        for (int i; (i = next.getAndIncrement()) < tasks; ) {
            try {
                if (failure == null) {
                    body.accept(i);
                }
            } catch (Throwable e) {
                synchronized (this) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            } finally {
                // The increment publishes the task's writes to the caller, which reads it.
                if (finished.incrementAndGet() == tasks && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /** Whether every task has been claimed (a worker arriving now would find nothing). */
    boolean allClaimed() {
        return next.get() >= tasks;
    }

    /** On the caller's thread: returns once every task has finished. */
    void awaitAll() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (finished.get() < tasks) {
            if (System.nanoTime() < spinUntil) {
                // As the idle workers do: another process's thread waiting for this core runs now.
                Thread.yield();
            } else {
                LockSupport.park(this);
            }
        }
    }

    Throwable failure() {
        return failure;
    }
}
