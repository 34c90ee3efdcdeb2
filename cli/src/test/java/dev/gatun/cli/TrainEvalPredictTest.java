package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.config.ConfigLoader;
import dev.gatun.config.DataFactory;
import dev.gatun.config.ExperimentData;
import dev.gatun.data.ArrayDataset;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on shipped configs: train, resume, eval, predict, compare. */
class TrainEvalPredictTest {
    private static final Path CONFIGS = Files.isDirectory(Path.of("..", "configs")) ? Path.of("..", "configs")
            : Path.of("configs");
    private static final String STANDARDIZED = "data.preprocessing=[standardize]";

    @TempDir
    Path runs;

    @Test
    void trainsAShippedConfigThenEvaluatesAndPredictsWithItsSavedPreprocessing() throws IOException {
        CliRun train = CliRun.of("train", CONFIGS.resolve("moons.yaml").toString(), "--runs", runs.toString(),
                "--epochs", "15", "--set", STANDARDIZED);
        assertEquals(0, train.exitCode(), train.err());
        double trained = number(train.out(), "test accuracy: ([0-9.]+)");
        assertTrue(trained >= 0.95, train.out());
        Path run = onlyRun();
        for (String file : List.of("report.html", "metrics.csv", "model.safetensors", "model.json", "config.json",
                "decision_boundary.png", "confusion.json")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file);
        }

        // The run's own test part, through the saved model.
        CliRun eval = CliRun.of("eval", run.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertEquals(trained, number(eval.out(), "\naccuracy: ([0-9.]+)"), 1e-4, eval.out());

        // The same test examples as a raw CSV: eval must standardize them as training did.
        Path csv = runs.resolve("moons-test.csv");
        int[] labels = writeRawTestPart(csv);
        CliRun fromCsv = CliRun.of("eval", run.toString(), "--data", csv.toString(), "--label", "label");
        assertEquals(0, fromCsv.exitCode(), fromCsv.err());
        assertEquals(trained, number(fromCsv.out(), "\naccuracy: ([0-9.]+)"), 1e-4, fromCsv.out());

        // predict gives one row per example; its classes score the same accuracy.
        CliRun predict = CliRun.of("predict", run.toString(), csv.toString(), "--label", "label", "--top", "2");
        assertEquals(0, predict.exitCode(), predict.err());
        List<String> rows = predict.out().lines().toList();
        assertEquals("example,predicted,class,probability,class_2,probability_2", rows.getFirst());
        assertEquals(labels.length + 1, rows.size());
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            String[] f = rows.get(i + 1).split(",");
            assertEquals(Integer.toString(i + 1), f[0]);
            hits += Integer.parseInt(f[1]) == labels[i] ? 1 : 0;
            double p1 = Double.parseDouble(f[3]);
            double p2 = Double.parseDouble(f[5]);
            assertTrue(p1 >= p2 && Math.abs(p1 + p2 - 1) < 1e-5, rows.get(i + 1));
        }
        assertEquals(trained, (double) hits / labels.length, 1e-4);
    }

    @Test
    void resumesARunFromItsCheckpointAndTrainsLonger() throws IOException {
        CliRun first = CliRun.of("train", CONFIGS.resolve("xor.json").toString(), "--runs", runs.toString(),
                "--epochs", "3", "--set", "training.checkpoint_every=1");
        assertEquals(0, first.exitCode(), first.err());
        Path run = onlyRun();
        CliRun more = CliRun.of("train", "--resume", run.toString(), "--epochs", "5");
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("resumed from"), more.out());
        assertEquals(6, Files.readAllLines(run.resolve("metrics.csv")).size(), "header and 5 epochs");

        CliRun conflicting = CliRun.of("train", "--resume", run.toString(), "--seed", "3");
        assertEquals(2, conflicting.exitCode());
        assertTrue(conflicting.err().contains("--resume continues a run with its own config"), conflicting.err());
    }

    @Test
    void aSearchTrainsEveryTrialAndComparesThem() throws IOException {
        CliRun search = CliRun.of("train", CONFIGS.resolve("spirals-search.yaml").toString(), "--runs",
                runs.toString(), "--epochs", "2");
        assertEquals(0, search.exitCode(), search.err());
        assertTrue(search.out().contains("== run 4 of 4"), search.out());
        assertTrue(search.out().contains("best by val_accuracy of the saved model (higher is better)"), search.out());
        List<Path> trials;
        try (Stream<Path> s = Files.list(runs)) {
            trials = s.filter(p -> p.getFileName().toString().startsWith("spirals-search")).sorted().toList();
        }
        assertEquals(4, trials.size());

        CliRun compare = CliRun.of("compare", trials.get(0).toString(), trials.get(1).toString(), "--metric",
                "val_loss", "--out", runs.resolve("cmp").toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertTrue(compare.out().contains("best by val_loss of the saved model (lower is better)"), compare.out());
        assertTrue(Files.isRegularFile(runs.resolve("cmp").resolve("comparison.html")));
    }

    @Test
    void jobsTrainConfigsSideBySideInTheirOwnProcesses() throws IOException {
        CliRun side = CliRun.of("train", CONFIGS.resolve("xor.json").toString(), CONFIGS.resolve("blobs.yaml").toString(),
                "--runs", runs.toString(), "--epochs", "3", "--jobs", "2");
        assertEquals(0, side.exitCode(), side.out() + side.err());
        assertTrue(side.out().contains("[1/2] xor: done") && side.out().contains("[2/2] blobs: done"), side.out());
        assertTrue(side.out().contains("best by val_accuracy"), side.out());
        for (String name : List.of("xor-", "blobs-")) {
            try (Stream<Path> s = Files.list(runs)) {
                Path run = s.filter(p -> p.getFileName().toString().startsWith(name)).findFirst().orElseThrow();
                String log = Files.readString(run.resolve("train.log"));
                assertTrue(log.contains("epoch 3/3") && log.contains("test accuracy: "), log);
                assertTrue(Files.isRegularFile(run.resolve("report.html")));
            }
        }
        try (Stream<Path> s = Files.list(runs)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".pending")), "scratch folder removed");
        }
    }

    @Test
    void aBadConfigFailsWithItsPathBeforeAnythingTrains() throws IOException {
        Path bad = runs.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(CONFIGS.resolve("moons.yaml")).replace("units: 32}", "units: 0}"));
        CliRun run = CliRun.of("train", CONFIGS.resolve("xor.json").toString(), bad.toString(), "--runs",
                runs.resolve("out").toString());
        assertEquals(1, run.exitCode());
        // Both layers set to 0 units are reported at once.
        assertEquals("gatun train: " + bad + ": 2 problems: model.layers[0].units: must be > 0; "
                + "model.layers[2].units: must be > 0", run.err().strip());
        assertTrue(Files.notExists(runs.resolve("out")), "no run started");

        CliRun unknown = CliRun.of("train", CONFIGS.resolve("xor.json").toString(), "--set", "optimiser.lr=1");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("no 'optimiser' in the config (did you mean 'optimizer'?)"), unknown.err());

        CliRun missing = CliRun.of("eval", runs.resolve("nowhere").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("nowhere"), missing.err());
    }

    @Test
    void imageModelsEvaluateAndPredictOnImageFolders() throws IOException {
        Path images = runs.resolve("halves");
        writeHalves(images, 20, 3);
        Path config = runs.resolve("halves.yaml");
        Files.writeString(config, """
                name: halves
                seed: 5
                data: {source: images, path: '%s', validation: 0, test: 0.25, preprocessing: [standardize],
                       augmentation: [{type: hflip}]}
                model:
                  layers:
                    - {type: conv2d, filters: 4, kernel: 3, padding: 1}
                    - {type: relu}
                    - {type: flatten}
                    - {type: dense, units: 2}
                optimizer: {type: adam, lr: 0.01}
                training: {epochs: 10, batch: 8}
                """.formatted(images));
        Path out = runs.resolve("out");
        CliRun train = CliRun.of("train", config.toString(), "--runs", out.toString());
        assertEquals(0, train.exitCode(), train.err());
        Path run;
        try (Stream<Path> s = Files.list(out)) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // Fresh images of both classes, through the saved standardization.
        Path fresh = runs.resolve("fresh");
        writeHalves(fresh, 10, 99);
        CliRun eval = CliRun.of("eval", run.toString(), "--data", fresh.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(number(eval.out(), "\naccuracy: ([0-9.]+)") >= 0.9, eval.out());

        CliRun predict = CliRun.of("predict", run.toString(), fresh.resolve("top").toString());
        assertEquals(0, predict.exitCode(), predict.err());
        List<String> rows = predict.out().lines().skip(1).toList();
        assertEquals(10, rows.size());
        long top = rows.stream().filter(r -> r.split(",")[2].equals("top")).count();
        assertTrue(top >= 9, predict.out());
        assertTrue(rows.getFirst().startsWith("0.png,"), rows.getFirst());
    }

    /** Class "top" is bright in its upper half, "bottom" in its lower half; 8×8 gray PNGs. */
    private static void writeHalves(Path root, int perClass, long seed) throws IOException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (String cls : List.of("bottom", "top")) {
            Files.createDirectories(root.resolve(cls));
            for (int k = 0; k < perClass; k++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        boolean bright = cls.equals("top") == (y < 4);
                        img.getRaster().setSample(x, y, 0, (bright ? 160 : 40) + rng.nextInt(60));
                    }
                }
                javax.imageio.ImageIO.write(img, "png", root.resolve(cls).resolve(k + ".png").toFile());
            }
        }
    }

    /** Writes moons' test part (as split by the config, before preprocessing) as x0,x1,label. */
    private static int[] writeRawTestPart(Path csv) throws IOException {
        try (Scope s = Scope.open("raw")) {
            var config = ConfigLoader.load(CONFIGS.resolve("moons.yaml"), Map.of()).getFirst();
            ExperimentData d = DataFactory.load(config, s);
            ArrayDataset test = ArrayDataset.copyOf(d.testOrNull());
            StringBuilder sb = new StringBuilder("x0,x1,label\n");
            for (int i = 0; i < test.size(); i++) {
                sb.append(String.format(Locale.ROOT, "%s,%s,%d%n", Float.toString(test.feature(i, 0)),
                        Float.toString(test.feature(i, 1)), test.labels()[i]));
            }
            Files.writeString(csv, sb.toString());
            return test.labels();
        }
    }

    private Path onlyRun() throws IOException {
        return onlyRun(runs);
    }

    /** The one run folder in {@code runs}. */
    static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertEquals(1, dirs.size(), dirs.toString());
            return dirs.getFirst();
        }
    }

    /** The number the first group of {@code regex} matches in {@code text}. */
    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
