package dev.gatun.device;

/**
 * The stream of a device whose kernels run on the host (the fake device): a kernel queued here
 * runs at once, or, while the device captures a graph, is recorded for the graph to replay.
 */
public interface HostKernelQueue {
    /**
     * Runs {@code kernel} in stream order, or records it during a capture.
     *
     * @param op the operation's name, for errors and logs
     * @param kernel the work, reading and writing device memory through host views
     */
    void enqueue(String op, Runnable kernel);
}
