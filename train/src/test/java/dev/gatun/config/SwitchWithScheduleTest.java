package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.train.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, rough edge 2: with a learning-rate schedule, a switch's rate is honoured: the schedule
 * restarts from it, over the epochs that are left, as {@code metrics.csv}'s lr column shows.
 */
class SwitchWithScheduleTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    @TempDir
    Path runs;

    private static String config(String name, String schedule, String switches) {
        return "name: " + name + "\n"
                + "data: {source: synthetic, kind: blobs, n: 120, centers: 3, validation: 0.2}\n"
                + "model: {layers: [{type: dense, units: 3}]}\n"
                + "optimizer: {type: adam, lr: 0.1}\n"
                + "schedule: " + schedule + "\n"
                + "training: {epochs: 5, batch: 32}\n"
                + "switch: " + switches + "\n";
    }

    private double[] lrColumn(String yaml) throws IOException {
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test"), "test");
        ExperimentResult r = ExperimentRunner.run(c, runs, QUIET);
        List<String> lines = Files.readAllLines(r.folder().path().resolve("metrics.csv"));
        int lr = List.of(lines.getFirst().split(",")).indexOf("lr");
        return lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[lr])).toArray();
    }

    @Test
    void anOptimizerSwitchRestartsTheScheduleFromItsRate() throws IOException {
        double[] lr = lrColumn(config("opt", "{type: step, step_size: 1, gamma: 0.5}",
                "[{epoch: 3, optimizer: {type: sgd, lr: 0.02, momentum: 0.9}}]"));

        assertArrayEquals(new double[] {0.1, 0.05, 0.02, 0.01, 0.005}, lr, 1e-9);
    }

    @Test
    void aRateSwitchRestartsTheScheduleFromItsRate() throws IOException {
        double[] lr = lrColumn(config("rate", "{type: exponential, gamma: 0.5}", "[{epoch: 2, lr: 0.04}, {epoch: 4, lr: 1}]"));

        assertArrayEquals(new double[] {0.1, 0.04, 0.02, 1, 0.5}, lr, 1e-9);
    }

    @Test
    void aCosineScheduleRestartsOverTheEpochsLeft() throws IOException {
        // t_max 2: 0.1, 0.05 (half way), then from the switch's 0.2: 0.2, 0.1, 0 at the end.
        double[] lr = lrColumn(config("cos", "{type: cosine, t_max: 2}",
                "[{epoch: 3, optimizer: {type: adam, lr: 0.2}}]"));

        assertArrayEquals(new double[] {0.1, 0.05, 0.2, 0.1, 0}, lr, 1e-9);
    }

    @Test
    void aResumedRunKeepsTheRestartedSchedule() throws IOException {
        String yaml = config("resumed", "{type: step, step_size: 1, gamma: 0.5}",
                "[{epoch: 3, optimizer: {type: sgd, lr: 0.02}}]").replace("epochs: 5,", "epochs: 5, checkpoint_every: 1,");
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "test"), "test");
        ExperimentResult whole = ExperimentRunner.run(c, runs, QUIET);
        Path afterFour = whole.folder().path().resolve("checkpoints").resolve(Checkpoint.directoryName(4));
        ExperimentResult resumed = ExperimentRunner.resume(afterFour, 5, QUIET);

        assertEquals(whole.history().getLast().learningRate(), resumed.history().getLast().learningRate(), 0);
        assertEquals(0.005, resumed.history().getLast().learningRate(), 1e-12);
    }
}
