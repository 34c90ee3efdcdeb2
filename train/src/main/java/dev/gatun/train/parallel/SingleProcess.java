package dev.gatun.train.parallel;

import java.lang.foreign.MemorySegment;

/** One rank alone: every collective returns this rank's own values, so training code needs no branch. */
public final class SingleProcess implements Collectives {

    /** The only rank. */
    public SingleProcess() {
        // No state: every collective returns this rank's own values.
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public String describe() {
        return "single process";
    }

    @Override
    public float[] allGather(float[] mine) {
        return mine.clone();
    }

    @Override
    public double[] allGather(double[] mine) {
        return mine.clone();
    }

    @Override
    public byte[] allGather(byte[] mine) {
        return mine.clone();
    }

    @Override
    public void allToAll(MemorySegment send, int[] chunks, MemorySegment recv) {
        copyChunk(send, chunks, recv);
    }

    @Override
    public void allGather(MemorySegment mine, int[] chunks, MemorySegment out) {
        copyChunk(mine, chunks, out);
    }

    private static void copyChunk(MemorySegment from, int[] chunks, MemorySegment to) {
        if (chunks.length != 1) {
            throw new IllegalArgumentException(chunks.length + " chunks for 1 rank");
        }
        MemorySegment.copy(from, 0, to, 0, (long) chunks[0] * Float.BYTES);
    }

    @Override
    public void broadcast(float[] data, int root) {
        requireRoot(root);
    }

    @Override
    public void broadcast(byte[] data, int root) {
        requireRoot(root);
    }

    @Override
    public void barrier() {
        // Nobody to wait for.
    }

    @Override
    public void abort(String message, int status) {
        throw new IllegalStateException(message);
    }

    @Override
    public void close() {
        // Nothing to leave.
    }

    private static void requireRoot(int root) {
        if (root != 0) {
            throw new IllegalArgumentException("root rank " + root + " of 1");
        }
    }
}
