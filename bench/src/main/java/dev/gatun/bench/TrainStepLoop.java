package dev.gatun.bench;

import java.util.Locale;

/**
 * TrainStepBenchmark's step in an endless loop that prints, after every step, the monotonic
 * clock in nanoseconds and the samples trained so far ({@code "<ns> <samples>"}). It is the Gatun
 * side of {@code bench/pytorch/paired.py}, which stops and resumes this process and PyTorch's in
 * turns of a few seconds and times each turn from these lines.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/gatun-benchmarks.jar dev.gatun.bench.TrainStepLoop cnn [cpu]
 * java ... dev.gatun.bench.TrainStepLoop resnet50 cuda bf16 graphs
 * </pre>
 * The optional third and fourth arguments are the benchmark's {@code precision} (fp32, tf32, bf16)
 * and {@code graphs} for its {@code cudaGraphs}; the ResNets' batch is the benchmark's default.
 */
public final class TrainStepLoop {
    private TrainStepLoop() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 4 || args.length == 4 && !args[3].equals("graphs")) {
            System.err.println("usage: TrainStepLoop mlp|cnn|lstm|sequence|resnet18|resnet50"
                    + " [backend [precision [graphs]]]");
            System.exit(2);
        }
        TrainStepBenchmark.Step step = named(args[0]);
        step.backend = args.length >= 2 ? args[1] : "cpu";
        step.precision = args.length >= 3 ? args[2] : "fp32";
        step.cudaGraphs = args.length == 4;
        step.setUp();
        StepReports.forever(step::run, step.batch());
    }

    /** The benchmark's step of one model by name; exits with status 2 on an unknown one. */
    static TrainStepBenchmark.Step named(String model) {
        return switch (model.toLowerCase(Locale.ROOT)) {
            case "mlp" -> new TrainStepBenchmark.Mlp();
            case "cnn" -> new TrainStepBenchmark.Cnn();
            case "lstm" -> new TrainStepBenchmark.Lstm();
            case "sequence" -> new TrainStepBenchmark.Sequence();
            case "resnet18" -> new TrainStepBenchmark.Resnet18();
            case "resnet50" -> new TrainStepBenchmark.Resnet50();
            default -> {
                System.err.println("unknown model '" + model + "': mlp, cnn, lstm, sequence, resnet18 or resnet50");
                System.exit(2);
                yield null;
            }
        };
    }

    /** The named model's step on the CPU backend in float32, set up; the caller tears it down. */
    static TrainStepBenchmark.Step onCpu(String model) {
        TrainStepBenchmark.Step step = named(model);
        step.backend = "cpu";
        step.precision = "fp32";
        step.setUp();
        return step;
    }
}
