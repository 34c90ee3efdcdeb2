package dev.gatun.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.ExperimentConfig;
import dev.gatun.config.ExperimentResult;
import dev.gatun.config.ExperimentRunner;
import dev.gatun.io.SafetensorsReader;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training in real mpirun jobs ({@link TrainRank} on each rank) against one process
 * with the global batch, trained here with {@link ExperimentRunner#run}: MLP, CNN and LSTM on 384
 * Fashion-MNIST images and a synthetic config, over 2 and 3 ranks.
 *
 * <p>Promised bit for bit: the ranks' parameters after training (the run checks it and prints
 * their SHA-256). Within tolerance: losses and weights against one process, whose kernels sum the
 * global batch's examples in another order (see {@code DataParallel}).
 */
class DataParallelTrainingTest {
    static final double LOSS_TOLERANCE = 1e-4;
    static final double WEIGHT_TOLERANCE = 1e-4;
    static Path fashion;

    @TempDir static Path shared;
    @TempDir Path tmp;

    @BeforeAll
    static void data() throws IOException {
        MpiJob.mpirun();
        fashion = FashionSubset.write(shared.resolve("fashion"), 384, 64);
    }

    static String config(String kind, int batch) {
        String fashionData = "data: {source: fashion-mnist, dir: '" + fashion + "', validation: 0.25}\n";
        String training = "training: {epochs: 2, batch: " + batch + ", eval_batch: 50}\n";
        return switch (kind) {
            case "mlp" -> "name: dp-mlp\nseed: 7\n" + fashionData + """
                    model:
                      input: [784]
                      layers: [{type: dense, units: 32}, {type: relu}, {type: dense, units: 10}]
                    optimizer: {type: adam, lr: 0.005}
                    """ + training;
            case "cnn" -> "name: dp-cnn\nseed: 7\n" + fashionData + """
                    model:
                      input: [1, 28, 28]
                      layers:
                        - {type: conv2d, filters: 4, kernel: 3, padding: 1}
                        - {type: maxpool2d, kernel: 2}
                        - {type: relu}
                        - {type: flatten}
                        - {type: dense, units: 10}
                    optimizer: {type: sgd, lr: 0.05, momentum: 0.9}
                    """ + training;
            case "lstm" -> "name: dp-lstm\nseed: 7\n" + fashionData + """
                    model:
                      input: [28, 28]
                      layers: [{type: lstm, hidden: 16}, {type: last_state, units: 10}]
                    optimizer: {type: adam, lr: 0.01}
                    """ + training;
            case "bn-sync", "bn-local" -> "name: dp-" + kind + "\nseed: 7\n" + fashionData + """
                    model:
                      input: [784]
                      layers:
                        # No bias before BatchNorm: its gradient is rounding noise, which Adam would amplify.
                        - {type: dense, units: 32, bias: false}
                        - {type: batchnorm, sync: %s}
                        - {type: relu}
                        - {type: dense, units: 10}
                    optimizer: {type: adam, lr: 0.005}
                    """.formatted(kind.equals("bn-sync")) + training;
            case "spirals" -> DistributedFaultsTest.spiralsYaml("dp-spirals", 3, batch, "",
                    "schedule: {type: cosine, t_max: 3, eta_min: 0.001}\n");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Epoch lines and folder of one run in rank 0's output. */
    record RankZero(Path folder, List<double[]> epochs) {
        static RankZero of(String output, String name) {
            Matcher f = Pattern.compile("(?m)^folder " + Pattern.quote(name) + ": (.+)$").matcher(output);
            assertTrue(f.find(), output);
            List<double[]> epochs = new ArrayList<>();
            Matcher e = Pattern.compile("(?m)^epoch " + Pattern.quote(name) + ": (\\d+) (\\S+) (\\S+)$").matcher(output);
            while (e.find()) {
                epochs.add(new double[] {Double.parseDouble(e.group(2)), Double.parseDouble(e.group(3))});
            }
            return new RankZero(Path.of(f.group(1).strip()), epochs);
        }
    }

    static ExperimentResult oneProcess(String kind, int globalBatch, Path runs) throws IOException {
        Path file = Files.writeString(runs.resolve(kind + "-one.yaml"), config(kind, globalBatch));
        ExperimentConfig c = ConfigLoader.load(file, Map.of("name", "one-" + kind)).getFirst();
        return ExperimentRunner.run(c, runs, new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    static void assertSameTraining(ExperimentResult one, RankZero many, String what) throws IOException {
        assertEquals(one.history().size(), many.epochs().size(), what);
        for (int i = 0; i < many.epochs().size(); i++) {
            double[] e = many.epochs().get(i);
            assertEquals(one.history().get(i).trainLoss(), e[0], LOSS_TOLERANCE, what + ": epoch " + (i + 1) + " train loss");
            assertEquals(one.history().get(i).valLoss(), e[1], LOSS_TOLERANCE, what + ": epoch " + (i + 1) + " val loss");
        }
        try (Scope scope = Scope.open("compare")) {
            Map<String, Tensor> a = SafetensorsReader.read(one.folder().path().resolve("model.safetensors"), scope);
            Map<String, Tensor> b = SafetensorsReader.read(many.folder().resolve("model.safetensors"), scope);
            assertEquals(a.keySet(), b.keySet(), what);
            for (String k : a.keySet()) {
                float[] x = a.get(k).toFloatArray();
                float[] y = b.get(k).toFloatArray();
                double worst = 0;
                for (int i = 0; i < x.length; i++) {
                    worst = Math.max(worst, Math.abs(x[i] - y[i]));
                }
                assertTrue(worst <= WEIGHT_TOLERANCE, what + ": " + k + " differs by " + worst);
            }
        }
    }

    /** One job per number of ranks trains the four configs in turn (one JVM start per rank). */
    @ParameterizedTest(name = "{0} ranks")
    @ValueSource(ints = {2, 3})
    void ranksTrainAsOneProcessWithTheGlobalBatch(int ranks) throws Exception {
        int batch = 16;
        List<String> args = new ArrayList<>(List.of(tmp.resolve("runs").toString()));
        for (String kind : KINDS) {
            args.add(Files.writeString(tmp.resolve(kind + ".yaml"), config(kind, batch)).toString());
        }
        MpiJob.Result r = MpiJob.run(ranks, TrainRank.class, args, tmp.resolve("log"), 300);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(KINDS.size(), Pattern.compile("parameters bit-identical on all " + ranks + " ranks: sha256 [0-9a-f]{64}")
                .matcher(r.output()).results().count(), r.output());
        assertTrue(r.output().contains("global batch " + ranks * batch), r.output());
        for (String kind : KINDS) {
            assertSameTraining(oneProcess(kind, ranks * batch, tmp), RankZero.of(r.output(), "dp-" + kind),
                    kind + " on " + ranks + " ranks");
        }
    }

    /**
     * Synchronized BatchNorm: 2 ranks with batch B normalize with the statistics of the global
     * batch 2B, so they train as one process with batch 2B; without sync each rank normalizes with
     * its own B examples' statistics, and the training differs.
     */
    @Test
    void syncBatchNormTrainsAsOneProcessWithTheGlobalBatch() throws Exception {
        int batch = 16;
        List<String> args = new ArrayList<>(List.of(tmp.resolve("runs").toString()));
        for (String kind : List.of("bn-sync", "bn-local")) {
            args.add(Files.writeString(tmp.resolve(kind + ".yaml"), config(kind, batch)).toString());
        }
        MpiJob.Result r = MpiJob.run(2, TrainRank.class, args, tmp.resolve("log"), 300);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals(2, Pattern.compile("parameters bit-identical on all 2 ranks: sha256 [0-9a-f]{64}")
                .matcher(r.output()).results().count(), r.output());
        assertSameTraining(oneProcess("bn-sync", 2 * batch, tmp), RankZero.of(r.output(), "dp-bn-sync"),
                "synchronized BatchNorm on 2 ranks");
        ExperimentResult one = oneProcess("bn-local", 2 * batch, tmp);
        RankZero local = RankZero.of(r.output(), "dp-bn-local");
        double worst = 0;
        for (int i = 0; i < local.epochs().size(); i++) {
            worst = Math.max(worst, Math.abs(one.history().get(i).trainLoss() - local.epochs().get(i)[0]));
        }
        assertTrue(worst > 10 * LOSS_TOLERANCE, "per-rank BatchNorm trained like the global batch: " + worst);
    }

    static final List<String> KINDS = List.of("mlp", "cnn", "lstm", "spirals");
}
