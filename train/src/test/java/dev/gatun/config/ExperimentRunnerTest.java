package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.io.SafetensorsReader;
import dev.gatun.nn.Module;
import dev.gatun.optim.Adam;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import dev.gatun.train.Loss;
import dev.gatun.train.Trainer;
import dev.gatun.train.callbacks.Callback;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiments run end to end from configs: data parts, callbacks, outputs and results. */
class ExperimentRunnerTest {
    @TempDir
    Path runs;

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void spiralsTrainsToHighAccuracyInSecondsAndFillsTheRunFolder() throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve("spirals.yaml")).getFirst();
        ExperimentResult r = ExperimentRunner.run(c, runs, quiet());
        assertTrue(r.metric("test_accuracy") >= 0.97, "test accuracy " + r.metric("test_accuracy"));
        assertEquals(60, r.history().size());
        assertEquals(List.of("test_loss", "test_accuracy", "test_macro_precision", "test_macro_recall", "test_macro_f1",
                "val_loss", "val_accuracy"), List.copyOf(r.finalMetrics().keySet()));

        Path folder = r.folder().path();
        assertTrue(folder.getFileName().toString().startsWith("spirals-"), folder.toString());
        try (Stream<Path> files = Files.list(folder)) {
            Set<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertTrue(names.containsAll(Set.of("config.json", "model.json", "metrics.csv", "metrics.json",
                    "model.safetensors", "confusion.json", "histograms.json", "report.html", "loss.png", "accuracy.png",
                    ExperimentRunner.DECISION_BOUNDARY)), names.toString());
        }
        String report = Files.readString(folder.resolve("report.html"));
        assertTrue(report.contains("<h2>Decision boundary</h2>") && report.contains("<h2>Confusion matrix</h2>"));
        try (Scope load = Scope.open("load")) {
            TrainedModel m = TrainedModel.load(folder);
            assertEquals(List.of("0", "1"), m.card().classNames());
            assertArrayEquals(new int[] {2}, m.card().input());
        }
        // config.json is the normalized config, which reads back to itself.
        ExperimentConfig saved = ConfigLoader.load(folder.resolve("config.json")).getFirst();
        assertEquals(c.normalized(), saved.normalized());
        assertEquals(61, Files.readAllLines(folder.resolve("metrics.csv")).size());
        try (Scope read = Scope.open("read")) {
            var weights = SafetensorsReader.read(folder.resolve("model.safetensors"), read);
            assertEquals(Set.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), weights.keySet());
        }
    }

    @Test
    void moonsStopsEarlyWithHighAccuracy() throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml")).getFirst();
        ExperimentResult r = ExperimentRunner.run(c, runs, quiet());
        assertTrue(r.history().size() < 40, "ran " + r.history().size() + " epochs");
        assertTrue(r.metric("test_accuracy") >= 0.97, "test accuracy " + r.metric("test_accuracy"));
    }

    @Test
    void aConfigRunsOnTheDeviceItNamesAndEqualsTheHostRun() throws IOException {
        // backend: fake puts the model and every batch on the fake device (the GPU's path on the
        // host); the decision boundary, checkpoints and report read the device-side model.
        ExperimentConfig host = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml")).getFirst();
        ExperimentConfig device = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml"),
                java.util.Map.of("backend", "fake", "name", "moons-on-device")).getFirst();
        try {
            ExperimentResult a = ExperimentRunner.run(host, runs, quiet());
            ExperimentResult b = ExperimentRunner.run(device, runs, quiet());
            assertEquals(a.history().size(), b.history().size());
            assertEquals(a.metric("test_accuracy"), b.metric("test_accuracy"));
            assertEquals(a.history().getLast().trainLoss(), b.history().getLast().trainLoss());
        } finally {
            dev.gatun.backend.BackendRegistry.use("cpu");
        }
    }

    @Test
    void aConfigTrainsOnAGpu() throws IOException {
        String noGpu = dev.gatun.device.DeviceRuntimes.unavailable(dev.gatun.tensor.Device.Kind.CUDA);
        if (noGpu != null) {
            org.junit.jupiter.api.Assumptions.abort(noGpu);
        }
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml"),
                java.util.Map.of("backend", "cuda", "name", "moons-on-gpu")).getFirst();
        try {
            ExperimentResult r = ExperimentRunner.run(c, runs, quiet());
            assertTrue(r.metric("test_accuracy") >= 0.97, "test accuracy " + r.metric("test_accuracy"));
            assertTrue(java.nio.file.Files.isRegularFile(r.folder().path().resolve(TrainedModel.WEIGHTS)));
        } finally {
            dev.gatun.backend.BackendRegistry.use("cpu");
        }
    }

    @Test
    void dataPartsAreSplitStratifiedAndPreprocessed() throws IOException {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited(
                "data: {source: synthetic, kind: blobs, n: 100, centers: 4, validation: 0.125, test: 0.2, "
                        + "preprocessing: [standardize]}\nmodel.layers[2].units: 4"), "t");
        ExperimentData d = DataFactory.load(c, scope);
        assertEquals(20, d.testOrNull().size());
        // Test: 0.2 of each class of 25 = 5; validation: round(0.125 · 20) = 3 of each remaining 20.
        assertEquals(12, d.validationOrNull().size());
        assertEquals(68, d.train().size());
        assertEquals(4, d.classes());
        assertEquals(List.of("0", "1", "2", "3"), d.classNames());
        assertArrayEquals(new int[] {2}, d.exampleShape());
        // Standardized on the training part: mean 0 and std 1 per feature there.
        float[] x = dev.gatun.data.ArrayDataset.copyOf(d.train()).features();
        for (int f = 0; f < 2; f++) {
            double sum = 0;
            double sq = 0;
            for (int i = f; i < x.length; i += 2) {
                sum += x[i];
                sq += x[i] * x[i];
            }
            double mean = sum / 68;
            assertEquals(0, mean, 1e-5);
            assertEquals(1, Math.sqrt(sq / 68 - mean * mean), 1e-4);
        }
    }

    @Test
    void anImageFolderTrainsWithAugmentationAndItsPreprocessingIsSaved(@TempDir Path dir) throws IOException {
        // Class "top" is bright in its upper half, "bottom" in its lower half: flips and 1-pixel
        // shifts keep that, so the augmented network must still learn it.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (String cls : List.of("bottom", "top")) {
            Files.createDirectories(dir.resolve(cls));
            for (int k = 0; k < 24; k++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        boolean bright = cls.equals("top") == (y < 4);
                        img.getRaster().setSample(x, y, 0, (bright ? 160 : 40) + rng.nextInt(60));
                    }
                }
                javax.imageio.ImageIO.write(img, "png", dir.resolve(cls).resolve(k + ".png").toFile());
            }
        }
        String yaml = """
                name: halves
                seed: 5
                data:
                  source: images
                  path: '%s'
                  validation: 0
                  test: 0.25
                  preprocessing: [standardize]
                  augmentation: [{type: random_crop, pad: 1}, {type: hflip}, {type: noise, std: 0.05}]
                model:
                  layers:
                    - {type: conv2d, filters: 4, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: flatten}
                    - {type: dense, units: 2}
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 12, batch: 8}
                """.formatted(dir);
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "halves.yaml"), "halves");
        ExperimentData d = DataFactory.load(c, scope);
        assertArrayEquals(new int[] {1, 8, 8}, d.exampleShape());
        assertEquals(List.of("bottom", "top"), d.classNames());
        assertTrue(d.augmentationOrNull() != null);
        FittedPreprocessing saved = FittedPreprocessing.fromJson(d.preprocessing().toJson(), "test");
        FittedPreprocessing.Standardize s = (FittedPreprocessing.Standardize) saved.steps().getFirst();
        assertArrayEquals(((FittedPreprocessing.Standardize) d.preprocessing().steps().getFirst()).standardizer().mean(),
                s.standardizer().mean());
        assertArrayEquals(((FittedPreprocessing.Standardize) d.preprocessing().steps().getFirst()).standardizer().std(),
                s.standardizer().std());

        ExperimentResult r = ExperimentRunner.run(c, runs, quiet());
        assertTrue(r.metric("test_accuracy") >= 0.9, "test accuracy " + r.metric("test_accuracy"));
    }

    @Test
    void aResumedRunEqualsTheUninterruptedOneBitForBit() throws IOException {
        // Dropout, a schedule, early stopping's state and an optimizer switch all cross the checkpoint.
        String yaml = """
                name: resumable
                seed: 11
                data: {source: synthetic, kind: moons, n: 300, noise: 0.2, validation: 0.2, test: 0.2,
                       preprocessing: [standardize]}
                model:
                  layers:
                    - {type: dense, units: 16}
                    - {type: relu}
                    - {type: dropout, p: 0.2}
                    - {type: dense, units: 2}
                optimizer: {type: adam, lr: 0.02}
                schedule: {type: cosine, t_max: 6}
                early_stopping: {monitor: val_loss, patience: 10}
                switch: [{epoch: 3, optimizer: {type: sgd, lr: 0.05, momentum: 0.9}}]
                training: {epochs: 6, batch: 16, checkpoint_every: 1}
                """;
        ExperimentConfig c = ExperimentConfig.from(ConfigLoader.parseYaml(yaml, "resumable.yaml"), "resumable");
        ExperimentResult whole = ExperimentRunner.run(c, runs, quiet());
        Path folder = whole.folder().path();
        byte[] weights = Files.readAllBytes(folder.resolve(TrainedModel.WEIGHTS));
        // Keep-last 2 leaves epochs 5 and 6; continue from 5 as if the run had died during epoch 6.
        Path five = folder.resolve("checkpoints").resolve(dev.gatun.train.checkpoint.Checkpoint.directoryName(5));
        ExperimentResult resumed = ExperimentRunner.resume(five, 0, quiet());
        assertEquals(folder, resumed.folder().path());
        assertEquals(6, resumed.history().size());
        for (int e = 0; e < 6; e++) {
            var a = whole.history().get(e);
            var b = resumed.history().get(e);
            assertEquals(Double.doubleToLongBits(a.trainLoss()), Double.doubleToLongBits(b.trainLoss()), "epoch " + (e + 1));
            assertEquals(Double.doubleToLongBits(a.valLoss()), Double.doubleToLongBits(b.valLoss()), "epoch " + (e + 1));
            assertEquals(Double.doubleToLongBits(a.learningRate()), Double.doubleToLongBits(b.learningRate()));
        }
        assertArrayEquals(weights, Files.readAllBytes(folder.resolve(TrainedModel.WEIGHTS)));
        assertEquals(whole.finalMetrics(), resumed.finalMetrics());

        // A checkpoint is also a trained model: it evaluates like the run's weights at that epoch.
        try (Scope load = Scope.open("load")) {
            TrainedModel m = TrainedModel.load(five);
            assertEquals(c.normalized(), m.config().normalized());
            assertEquals(2, m.card().classNames().size());
        }
    }

    @Test
    void resumingSomethingThatIsNotACheckpointNamesIt(@TempDir Path empty) {
        var e = assertThrows(java.io.FileNotFoundException.class, () -> ExperimentRunner.resume(empty, 0, quiet()));
        assertTrue(e.getMessage().contains("is neither a checkpoint"), e.getMessage());
    }

    @Test
    void savedPreprocessingWithAMissingFieldNamesIt() {
        var tree = ConfigLoader.parseJson("[{\"type\": \"standardize\", \"mean\": [0.5]}]", "model.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FittedPreprocessing.fromJson(tree, "model.json"));
        assertEquals("model.json: preprocessing[0]: 'std' must be a list of numbers", e.getMessage());
    }

    @Test
    void aCsvFileIsReadWithNamedClassesAndItsShapeChecked(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("points.csv");
        StringBuilder s = new StringBuilder("x,y,kind\n");
        for (int i = 0; i < 40; i++) {
            s.append(i % 7).append(',').append(i % 5).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        Files.writeString(csv, s.toString());
        String data = "data: {source: csv, path: '" + csv + "', label: kind, validation: 0, test: 0.25}";
        ExperimentData d = DataFactory.load(ExperimentConfig.from(ConfigValidationTest.edited(data), "t"), scope);
        assertEquals(List.of("even", "odd"), d.classNames());
        assertEquals(30, d.train().size());
        assertNull(d.validationOrNull());
        ConfigException e = assertThrows(ConfigException.class, () -> DataFactory.load(
                ExperimentConfig.from(ConfigValidationTest.edited(data + "\nmodel.input: [3]"), "t"), scope));
        assertEquals("model.input: [3] does not match the data set's examples, [2]", e.getMessage());
    }

    @Test
    void switchesReplaceTheOptimizerOrTheRateFromTheirEpoch() {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited(
                "switch: [{epoch: 2, lr: 0.005}, {epoch: 3, optimizer: {type: sgd, lr: 0.1, momentum: 0.5}}]"), "t");
        List<String> seen = new ArrayList<>();
        Trainer trainer = trainer(c);
        // Records which optimizer and rate each epoch trains with.
        trainer.addCallback(new Callback() {
            @Override
            public void onBatchEnd(dev.gatun.train.callbacks.BatchContext ctx) {
                if (ctx.batch() == 0) {
                    seen.add(ctx.epoch() + ":" + ctx.trainer().optimizer().getClass().getSimpleName() + "@"
                            + ctx.trainer().optimizer().learningRate());
                }
            }
        });
        ExperimentRunner.addCallbacks(trainer, c, 1);
        trainer.fit(loader(), null, 4, null);
        assertEquals(List.of("1:Adam@0.01", "2:Adam@0.005", "3:Sgd@0.1", "4:Sgd@0.1"), seen);
        assertInstanceOf(Sgd.class, trainer.optimizer());
    }

    @Test
    void theScheduleDrivesTheRateWithItsWarmup() {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited(
                "schedule: {type: cosine, t_max: 10, warmup: 2, warmup_start_factor: 0.1}\noptimizer.lr: 0.1"), "t");
        var schedule = ScheduleFactory.schedule(c.scheduleOrNull(), 0.1, 5);
        // lr(t) = 0.1·(1 + cos(πt/10))/2 · (0.1 + 0.9·min(t, 2)/2)
        assertEquals(0.1 * 0.1, schedule.lr(0), 1e-15);
        assertEquals(0.1 * (1 + Math.cos(Math.PI / 10)) / 2 * 0.55, schedule.lr(1), 1e-15);
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 5 / 10)) / 2, schedule.lr(5), 1e-15);

        List<Double> rates = new ArrayList<>();
        Trainer trainer = trainer(c);
        ExperimentRunner.addCallbacks(trainer, c, 1);
        trainer.addCallback(Callback.afterEachEpoch(ctx -> rates.add(ctx.optimizer().learningRate())));
        trainer.fit(loader(), null, 3, null);
        assertEquals(List.of(schedule.lr(1), schedule.lr(2), schedule.lr(3)), rates);
    }

    @Test
    void oneCycleSpansTheWholeRunInBatches() {
        ExperimentConfig c = ExperimentConfig.from(ConfigValidationTest.edited(
                "schedule: {type: one_cycle, max_lr: 0.1, per: batch}"), "t");
        // 5 epochs of 4 batches: 20 steps, the peak at step 0.3·20 − 1 = 5.
        var schedule = ScheduleFactory.schedule(c.scheduleOrNull(), 0.01, 20);
        assertEquals(0.1 / 25, schedule.lr(0), 1e-15);
        assertEquals(0.1, schedule.lr(5), 1e-15);
        assertEquals(0.1 / 25 / 1e4, schedule.lr(19), 1e-15);
    }

    @Test
    void optimizersGetTheirOwnSettings() {
        Module net = ModelFactory.module(ExperimentConfig.from(ConfigValidationTest.edited("seed: 1"), "t").model(),
                new int[] {2}, 1);
        var rmsprop = OptimizerFactory.create(ExperimentConfig.from(ConfigValidationTest.edited(
                "optimizer: {type: rmsprop, lr: 0.02, momentum: 0.9, centered: true, clip_norm: 1}"), "t").optimizer(),
                net.parameters());
        assertEquals("Rmsprop", rmsprop.state().optimizer());
        assertEquals(0.02, rmsprop.learningRate());
        var adamw = OptimizerFactory.create(ExperimentConfig.from(ConfigValidationTest.edited(
                "optimizer: {type: adamw}"), "t").optimizer(), net.parameters());
        assertEquals("AdamW", adamw.state().optimizer());
        var adam = OptimizerFactory.create(ExperimentConfig.from(ConfigValidationTest.edited("seed: 1"), "t").optimizer(),
                net.parameters());
        assertInstanceOf(Adam.class, adam);
        var adagrad = OptimizerFactory.create(ExperimentConfig.from(ConfigValidationTest.edited(
                "optimizer: {type: adagrad, initial_accumulator: 0.5}"), "t").optimizer(), net.parameters());
        assertEquals(0.01, adagrad.learningRate());
        // Adagrad allocates its accumulators at once, filled with the initial value.
        assertEquals(0.5f, adagrad.stateTensors().get("sum.0.weight").toFloatArray()[0]);
    }

    private Trainer trainer(ExperimentConfig c) {
        Module net = ModelFactory.module(c.model(), new int[] {2}, c.seed());
        return new Trainer(net, OptimizerFactory.create(c.optimizer(), net.parameters()), Loss.CROSS_ENTROPY, quiet(),
                false);
    }

    private static DataLoader loader() {
        return new DataLoader(dev.gatun.data.Synthetic.moons(16, 0.1, 1), 16, false, 0, false);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
