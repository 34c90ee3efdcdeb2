package dev.gatun.kernels;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon threads that help a {@link Parallel#forEach} caller. The caller posts its tasks in
 * one slot; each worker takes every newly posted job, claims tasks from it until none is left,
 * then watches the slot for 200 µs ({@code -Dgatun.workerSpinMicros}) before it parks, yielding its
 * core to any other thread that waits for it.
 *
 * <p>Why spin: a training step is a chain of ops of 20 µs to a few ms each, and waking a parked
 * thread costs 10–30 µs on these VMs (measured with Parallel.forEach on two tiny tasks: 12 µs a
 * call through a thread pool's queue). A worker still watching the slot starts within a
 * microsecond. 200 µs, not less: the serial stretches between a step's parallel ops (a small
 * layer, an element-wise op, one panel of op(B) packed on the caller's thread) often outlast 50 µs,
 * and against 50 the 2-core MLP step ran 1.07× faster, the CNN's 1.05×; 1 ms gained no more. A job
 * posted while another caller's job is in the slot replaces it: both callers still finish their own
 * tasks, helped or not.
 */
final class KernelWorkers {
    /** {@code gatun.workerSpinMicros}: how long an idle worker watches for a job before it parks (0: at once). */
    private static final long IDLE_SPIN_NANOS = spinNanos();
    private static final ThreadGroup GROUP = new ThreadGroup("gatun-kernels");

    private final AtomicReference<TaskClaims> slot = new AtomicReference<>();
    private final Worker[] workers;

    KernelWorkers(int count) {
        workers = new Worker[count];
        for (int i = 0; i < count; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    private static long spinNanos() {
        String asked = System.getProperty("gatun.workerSpinMicros", "200").trim();
        long micros;
        try {
            micros = Long.parseLong(asked);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gatun.workerSpinMicros must be a whole number of microseconds, got '"
                    + asked + "'");
        }
        if (micros < 0 || micros > 1_000_000) {
            throw new IllegalArgumentException("gatun.workerSpinMicros must be in 0..1000000, got " + micros);
        }
        return micros * 1000;
    }

    static boolean isWorker(Thread t) {
        return t.getThreadGroup() == GROUP;
    }

    /**
     * Offers claims to the workers, waking at most {@code helpers} of those that sleep: a job of
     * two tasks on a 16-core machine needs one helper, not fifteen woken to find nothing left.
     */
    void post(TaskClaims claims, int helpers) {
        slot.set(claims);
        for (int i = 0; i < workers.length && helpers > 0; i++) {
            Worker w = workers[i];
            // Dekker with the worker: it sets sleeping, then reads the slot; we set the slot,
            // then read sleeping. One of us sees the other's write, so no job is missed.
            if (w.sleeping) {
                LockSupport.unpark(w);
                helpers--;
            }
        }
    }

    /** Clears the slot if it still holds claims, so the finished job's body is not kept alive. */
    void retract(TaskClaims claims) {
        slot.compareAndSet(claims, null);
    }

    private final class Worker extends Thread {
        volatile boolean sleeping;

        Worker(int index) {
            super(GROUP, "gatun-kernel-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            long done = 0;
            while (true) {
                TaskClaims job = slot.get();
                if (job != null && job.serial != done) {
                    done = job.serial;
                    if (!job.allClaimed()) {
                        job.work();
                    }
                    continue;
                }
                long until = System.nanoTime() + IDLE_SPIN_NANOS;
                while ((job = slot.get()) == null || job.serial == done) {
                    if (System.nanoTime() < until) {
                        // Yielding, not spinning in place: a thread of another process waiting for
                        // this core (a browser showing the training) runs in this gap, instead of
                        // preempting a kernel task later and stalling the op's other threads.
                        Thread.yield();
                        continue;
                    }
                    sleeping = true;
                    job = slot.get();
                    if (job == null || job.serial == done) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    until = System.nanoTime() + IDLE_SPIN_NANOS;
                }
            }
        }
    }
}
