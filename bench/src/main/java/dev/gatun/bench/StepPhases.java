package dev.gatun.bench;

import dev.gatun.optim.Optimizer;
import dev.gatun.tensor.Tensor;
import java.util.Map;

/**
 * Where one training step of TrainStepBenchmark's models spends its time, on the CPU backend:
 * forward with the loss, zeroing the gradients, backward and the optimizer step, as mean
 * microseconds over rounds of steps. Then how many of the optimizer's state values are subnormal
 * or zero, and the optimizer step timed alone, on the state the training left.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/gatun-benchmarks.jar dev.gatun.bench.StepPhases mlp 3000
 * </pre>
 * The optional second argument is the steps per round (default 2000); three rounds run, the first
 * mostly JIT warm-up.
 */
public final class StepPhases {
    private static final int ROUNDS = 3;

    private StepPhases() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: StepPhases mlp|cnn|lstm|sequence [steps per round]");
            System.exit(2);
        }
        int steps = args.length == 2 ? Integer.parseInt(args[1]) : 2000;
        if (steps < 1) {
            System.err.println("steps per round must be at least 1, got " + steps);
            System.exit(2);
        }
        TrainStepBenchmark.Step step = TrainStepLoop.onCpu(args[0]);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                long[] nanos = new long[4];
                for (int i = 0; i < steps; i++) {
                    step.runTimed(nanos);
                }
                double us = 1e3 * steps;
                System.out.printf("round %d, %d steps, mean us: forward %.0f, zero grad %.0f, backward %.0f,"
                        + " optimizer %.0f, step %.0f%n", round, steps, nanos[0] / us, nanos[1] / us, nanos[2] / us,
                        nanos[3] / us, (nanos[0] + nanos[1] + nanos[2] + nanos[3]) / us);
            }
            Optimizer optimizer = step.optimizer();
            for (Map.Entry<String, Tensor> e : optimizer.stateTensors().entrySet()) {
                int subnormal = 0;
                int zero = 0;
                float[] values = e.getValue().toFloatArray();
                for (float v : values) {
                    if (v == 0f) {
                        zero++;
                    } else if (Math.abs(v) < Float.MIN_NORMAL) {
                        subnormal++;
                    }
                }
                System.out.printf("state %s: %d values, %d subnormal, %d zero%n", e.getKey(), values.length, subnormal,
                        zero);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                optimizer.step();
            }
            System.out.printf("optimizer step alone, on that state: mean %.0f us%n",
                    (System.nanoTime() - t0) / 1e3 / steps);
        } finally {
            step.tearDown();
        }
    }
}
