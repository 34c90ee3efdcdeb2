package dev.gatun.train.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@link Collectives} over threads of this JVM, one per rank: what the collectives of an MPI job
 * do, without mpirun, so the algorithms on top of them are tested in-process. Each collective
 * puts this rank's contribution in its slot, waits for every rank, copies what it needs, and waits
 * again before a slot may be reused. A rank that fails breaks the barrier, so the others fail too
 * instead of waiting.
 */
final class ThreadRanks {
    private final int size;
    private final CyclicBarrier barrier;
    private final Object[] slots;

    ThreadRanks(int size) {
        this.size = size;
        this.barrier = new CyclicBarrier(size);
        this.slots = new Object[size];
    }

    /** Runs {@code body} on every rank, each on its own thread; returns the results in rank order. */
    <T> List<T> run(Function<Collectives, T> body) throws InterruptedException, ExecutionException, TimeoutException {
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                Rank rank = new Rank(r);
                futures.add(pool.submit(() -> {
                    try {
                        return body.apply(rank);
                    } catch (RuntimeException | Error e) {
                        barrier.reset();
                        throw e;
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private Object[] exchange(int rank, Object mine) {
        slots[rank] = mine;
        await();
        Object[] all = slots.clone();
        await();
        return all;
    }

    private void await() {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("another rank failed or is stuck", e);
        }
    }

    private final class Rank implements Collectives {
        private final int rank;

        Rank(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public String describe() {
            return "thread rank " + rank + " of " + size;
        }

        @Override
        public float[] allGather(float[] mine) {
            return concat(mine.clone(), mine.length, new float[size * mine.length]);
        }

        @Override
        public double[] allGather(double[] mine) {
            return concat(mine.clone(), mine.length, new double[size * mine.length]);
        }

        @Override
        public byte[] allGather(byte[] mine) {
            return concat(mine.clone(), mine.length, new byte[size * mine.length]);
        }

        /** Every rank's {@code mine}, a primitive array of {@code length}, into {@code out}, rank 0's first. */
        private <A> A concat(A mine, int length, A out) {
            Object[] all = exchange(rank, mine);
            for (int r = 0; r < size; r++) {
                System.arraycopy(all[r], 0, out, r * length, length);
            }
            return out;
        }

        @Override
        public void allToAll(MemorySegment send, int[] chunks, MemorySegment recv) {
            int total = 0;
            int from = 0;
            for (int r = 0; r < size; r++) {
                from += r < rank ? chunks[r] : 0;
                total += chunks[r];
            }
            // Confined segments cannot cross threads: the slots hold heap copies.
            Object[] all = exchange(rank, send.asSlice(0, (long) total * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT));
            int n = chunks[rank];
            for (int r = 0; r < size; r++) {
                MemorySegment.copy((float[]) all[r], from, recv, ValueLayout.JAVA_FLOAT, (long) r * n * Float.BYTES, n);
            }
        }

        @Override
        public void allGather(MemorySegment mine, int[] chunks, MemorySegment out) {
            Object[] all = exchange(rank, mine.asSlice(0, (long) chunks[rank] * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT));
            long at = 0;
            for (int r = 0; r < size; r++) {
                MemorySegment.copy((float[]) all[r], 0, out, ValueLayout.JAVA_FLOAT, at, chunks[r]);
                at += (long) chunks[r] * Float.BYTES;
            }
        }

        @Override
        public void broadcast(float[] data, int root) {
            Object[] all = exchange(rank, data.clone());
            System.arraycopy((float[]) all[root], 0, data, 0, data.length);
        }

        @Override
        public void broadcast(byte[] data, int root) {
            Object[] all = exchange(rank, data.clone());
            System.arraycopy((byte[]) all[root], 0, data, 0, data.length);
        }

        @Override
        public void barrier() {
            await();
        }

        @Override
        public void abort(String message, int status) {
            barrier.reset();
            throw new IllegalStateException(message);
        }

        @Override
        public void close() {
            // Threads leave with run().
        }
    }
}
