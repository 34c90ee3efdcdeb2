package dev.gatun.tracking;

import dev.gatun.config.ExperimentRunner;
import dev.gatun.train.callbacks.Callback;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVMs of the kill and concurrency tests: {@code train RUNS} trains a long run recorded in
 * RUNS's store, printing each epoch, until it is killed; {@code write URL PREFIX RUNS EPOCHS} writes
 * runs to a store as a training process would.
 */
final class TrackingProbes {
    private TrackingProbes() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "train" -> {
                Path runs = Path.of(args[1]);
                var config = TrackedExperimentTest.config(runs, TrackedExperimentTest.CONFIG,
                        Map.of("training.epochs", "1000000"));
                ExperimentRunner.run(config, runs, TrackedExperimentTest.quiet(), p -> List.of(
                        Callback.afterEachEpoch(ctx -> {
                            System.out.println("EPOCH " + ctx.epoch());
                            System.out.flush();
                        })), RunLineage.NONE);
            }
            case "write" -> {
                try (TrackingStore s = new TrackingTarget(args[1]).open()) {
                    TrackingStoreContract.writeRuns(s, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                }
                System.out.println("WROTE");
            }
            default -> throw new IllegalArgumentException("unknown probe " + args[0]);
        }
    }

    /** The command line of a probe in a JVM of its own, on the test JVM's module and class path. */
    static List<String> command(String... args) throws URISyntaxException {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("jdk.module.path", "").split(File.pathSeparator)));
        entries.addAll(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.add(Path.of(TrackingProbes.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        entries.removeIf(String::isBlank);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Dgatun.threads=1",
                "-cp", String.join(File.pathSeparator, entries), TrackingProbes.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
