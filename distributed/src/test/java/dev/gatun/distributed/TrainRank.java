package dev.gatun.distributed;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.train.callbacks.Callback;
import dev.gatun.train.metrics.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rank of {@link DataParallelTrainingTest}'s jobs: what {@code gatun train --distributed}
 * does ({@link DistributedTraining#run}), plus what the tests need to see and provoke.
 *
 * <p>Arguments: {@code RUNS (CONFIG... | --resume DIR) [--epochs N] [--set PATH=VALUE]...
 * [--set-on-rank R PATH=VALUE] [--fail-after-epoch E]}. The configs train one after the other in
 * the same MPI job. Each rank writes its process id to {@code RUNS/pid-R}; rank 0 prints, per run,
 * {@code folder NAME: DIR} and one {@code epoch NAME: N TRAIN_LOSS VAL_LOSS} line per epoch, with
 * every digit. {@code --fail-after-epoch} makes rank 0 throw after that epoch (after its
 * checkpoint).
 */
public final class TrainRank {
    private TrainRank() {}

    public static void main(String[] args) throws Exception {
        Path runs = Path.of(args[0]);
        List<Path> configs = new ArrayList<>();
        Path resume = null;
        int epochs = 0;
        int failAfter = 0;
        Map<String, String> overrides = new LinkedHashMap<>();
        int rank = MpiLaunch.require(System.getenv()).rank();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--resume" -> resume = Path.of(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--fail-after-epoch" -> failAfter = Integer.parseInt(args[++i]);
                case "--set" -> put(overrides, args[++i]);
                case "--set-on-rank" -> {
                    int on = Integer.parseInt(args[++i]);
                    String kv = args[++i];
                    if (on == rank) {
                        put(overrides, kv);
                    }
                }
                default -> configs.add(Path.of(args[i]));
            }
        }
        Files.createDirectories(runs);
        Files.writeString(runs.resolve("pid-" + rank), Long.toString(ProcessHandle.current().pid()));
        int fail = failAfter;
        List<Callback> observers = fail == 0 ? List.of() : List.of(Callback.afterEachEpoch(ctx -> {
            if (ctx.epoch() == fail) {
                throw new IllegalStateException("injected failure after epoch " + fail);
            }
        }));
        int status = 0;
        try (MpiCollectives collectives = MpiCollectives.init(System.getenv())) {
            List<ExperimentConfig> runsToTrain = new ArrayList<>();
            for (Path file : configs) {
                runsToTrain.add(ConfigLoader.load(file, overrides).getFirst());
            }
            if (resume != null) {
                runsToTrain.add(null);
            }
            for (ExperimentConfig c : runsToTrain) {
                DistributedTraining.Outcome o = DistributedTraining.run(c, resume, epochs, runs, System.out,
                        prepared -> observers, collectives);
                String name = c == null ? "resumed" : c.name();
                if (o.refusalOrNull() != null) {
                    System.out.println("refused: " + o.refusalOrNull());
                }
                if (o.resultOrNull() != null) {
                    System.out.println("folder " + name + ": " + o.resultOrNull().folder().path());
                    for (EpochMetrics m : o.resultOrNull().history()) {
                        System.out.println("epoch " + name + ": " + m.epoch() + " " + m.trainLoss() + " " + m.valLoss());
                    }
                }
                status = Math.max(status, o.status());
            }
        }
        System.out.flush();
        System.exit(status);
    }

    private static void put(Map<String, String> overrides, String kv) {
        int eq = kv.indexOf('=');
        overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
