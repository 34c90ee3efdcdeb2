package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong in a distributed run, in real mpirun jobs: a rank that throws, a rank that is
 * killed, ranks that disagree on the config; and resuming the last complete checkpoint with
 * another number of ranks.
 */
class DistributedFaultsTest {
    @TempDir Path tmp;

    /** A small spirals config; {@code extra} adds lines (a schedule, say). */
    static String spiralsYaml(String name, int epochs, int batch, String training, String extra) {
        return "name: " + name + "\n" + """
                seed: 7
                data: {source: synthetic, kind: spirals, n: 301, noise: 0.02, validation: 0.1, test: 0.2}
                model:
                  layers: [{type: dense, units: 16}, {type: tanh}, {type: dense, units: 2}]
                optimizer: {type: adam, lr: 0.02}
                """ + extra + "training: {epochs: " + epochs + ", batch: " + batch + training + "}\n";
    }

    private Path spirals(int epochs) throws IOException {
        return Files.writeString(tmp.resolve("spirals.yaml"), spiralsYaml("dp-spirals", epochs, 16, ", checkpoint_every: 1", ""));
    }

    /** One process with the global batch, for the resumed run. */
    private ExperimentResult oneProcessSpirals(int batch, int epochs) throws IOException {
        Path file = Files.writeString(tmp.resolve("spirals-one.yaml"), spiralsYaml("one-spirals", epochs, batch, "", ""));
        return ExperimentRunner.run(ConfigLoader.load(file, Map.of()).getFirst(), tmp.resolve("one"),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    private static Path onlyRunFolder(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> folders = s.filter(p -> p.getFileName().toString().startsWith("dp-spirals-")).toList();
            assertEquals(1, folders.size(), folders.toString());
            return folders.getFirst();
        }
    }

    @Test
    void aRankThatThrowsStopsEveryRankAndTheLastCheckpointResumesOnThreeRanks() throws Exception {
        Path runs = tmp.resolve("runs");
        MpiJob.Result r = MpiJob.run(2, TrainRank.class,
                List.of(runs.toString(), spirals(3).toString(), "--fail-after-epoch", "2"), tmp.resolve("log"), 120);
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("gatun: rank 0 of 2 (MPI rank 0 of 2 on "), r.output());
        assertTrue(r.output().contains("failed, stopping every rank: IllegalStateException: injected failure after epoch 2"),
                r.output());
        Path folder = onlyRunFolder(runs);
        // The failure came after epoch 2's other callbacks, before its checkpoint: epoch 1's is the last.
        assertEquals(folder.resolve(Checkpoint.DIRECTORY).resolve("epoch-0001"), Checkpoint.locate(folder));

        // 3 ranks share the global batch of 32 as 11, 11 and 10 (ShardPlan's rule).
        MpiJob.Result resumed = MpiJob.run(3, TrainRank.class, List.of(runs.toString(), "--resume", folder.toString()),
                tmp.resolve("log-resume"), 120);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("resumed from"), resumed.output());
        ExperimentResult one = oneProcessSpirals(32, 3);
        DataParallelTrainingTest.assertSameTraining(one,
                DataParallelTrainingTest.RankZero.of(resumed.output(), "resumed"), "resumed on 3 ranks");
    }

    @Test
    void killingOneRankOfThreeStopsTheJobWithinSecondsAndKeepsTheLastCheckpoint() throws Exception {
        Path runs = tmp.resolve("runs");
        Path log = tmp.resolve("log");
        Process job = MpiJob.start(3, TrainRank.class, List.of(runs.toString(), spirals(400).toString()), log);
        try {
            Path folder = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (Files.isDirectory(runs)) {
                    try (Stream<Path> s = Files.list(runs)) {
                        folder = s.filter(p -> p.getFileName().toString().startsWith("dp-spirals-")).findFirst()
                                .orElse(null);
                    }
                }
                if (folder != null && Files.isDirectory(folder.resolve(Checkpoint.DIRECTORY).resolve("epoch-0002"))) {
                    break;
                }
                assertTrue(job.isAlive(), () -> "the job ended early: " + read(log));
                Thread.sleep(200);
            }
            assertTrue(folder != null && Files.isDirectory(folder.resolve(Checkpoint.DIRECTORY)), () -> read(log));
            long pid = Long.parseLong(Files.readString(runs.resolve("pid-1")).strip());
            long killed = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            assertTrue(job.waitFor(30, TimeUnit.SECONDS), () -> "still running 30 s after rank 1 was killed: " + read(log));
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertNotEquals(0, job.exitValue(), read(log));
            String out = read(log);
            assertTrue(out.contains("rank 1"), out);
            assertTrue(seconds < 30, "stopped " + seconds + " s after the kill");
            // The newest checkpoint is complete: a single process continues from it.
            Path last = Checkpoint.locate(folder);
            int epoch = Integer.parseInt(last.getFileName().toString().substring("epoch-".length()));
            ExperimentResult r = ExperimentRunner.resume(last, epoch + 1, new PrintStream(OutputStream.nullOutputStream()));
            assertEquals(epoch + 1, r.history().getLast().epoch());
        } finally {
            job.descendants().forEach(ProcessHandle::destroyForcibly);
            job.destroyForcibly();
        }
    }

    @Test
    void ranksThatDisagreeOnTheConfigAreRefusedWithWhatDiffers() throws Exception {
        MpiJob.Result r = MpiJob.run(2, TrainRank.class, List.of(tmp.resolve("runs").toString(), spirals(1).toString(),
                "--set-on-rank", "1", "optimizer.lr=0.5"), tmp.resolve("log"), 120);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("refused: the ranks disagree on the run, so none of them trains: rank 1 differs"
                + " from rank 0 in config.optimizer.lr is 0.5 there but 0.02 on rank 0"), r.output());
        assertEquals(1, r.output().split("refused:", -1).length - 1, "only rank 0 says why: " + r.output());
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
