package dev.gatun.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Heap bytes a training step of TrainStepBenchmark's models allocates once the JIT has compiled
 * it, on the CPU backend, summed over all threads (the caller and the kernel workers). A steady
 * step allocates its tensors' small Java objects and little else; a kernel whose vectors C2 could
 * not keep in registers allocates a box per vector operation, megabytes a step, and shows here.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/gatun-benchmarks.jar dev.gatun.bench.StepAllocations cnn
 * </pre>
 * Optional arguments: the seconds of warm-up before the first round (default 20) and the steps a
 * round (default 100); five rounds run.
 */
public final class StepAllocations {
    private static final int ROUNDS = 5;

    private StepAllocations() {}

    /**
     * Runs the rounds.
     *
     * @param args the model (mlp, cnn, lstm or sequence), then optionally warm-up seconds and steps a round
     */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: StepAllocations mlp|cnn|lstm|sequence [warm-up seconds] [steps a round]");
            System.exit(2);
        }
        double warmUp = args.length >= 2 ? Double.parseDouble(args[1]) : 20;
        int steps = args.length == 3 ? Integer.parseInt(args[2]) : 100;
        if (!(warmUp >= 0) || steps < 1) {
            System.err.println("warm-up seconds must be at least 0 and steps a round at least 1, got " + warmUp
                    + " and " + steps);
            System.exit(2);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TrainStepBenchmark.Step step = TrainStepLoop.onCpu(args[0]);
        try {
            long until = System.nanoTime() + (long) (warmUp * 1e9);
            int warmSteps = 0;
            while (System.nanoTime() < until) {
                step.run();
                warmSteps++;
            }
            System.out.printf(Locale.ROOT, "%d warm-up steps in %.0f s%n", warmSteps, warmUp);
            for (int round = 1; round <= ROUNDS; round++) {
                long before = threads.getTotalThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step.run();
                }
                long bytes = threads.getTotalThreadAllocatedBytes() - before;
                System.out.printf(Locale.ROOT, "round %d: %.1f KB a step, %.1f MB/s, %d steps in %.2f s%n", round,
                        bytes / 1024.0 / steps, bytes / 1048576.0 / ((System.nanoTime() - t0) / 1e9), steps,
                        (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            step.tearDown();
        }
    }
}
