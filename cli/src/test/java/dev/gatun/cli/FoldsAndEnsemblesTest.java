package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatun train --folds K}, and {@code gatun eval} / {@code gatun predict} over several runs. */
class FoldsAndEnsemblesTest {
    @TempDir
    static Path members;
    private static final List<Path> SPIRALS = new ArrayList<>();
    private static Path blobs;

    @TempDir
    Path runs;

    @BeforeAll
    static void trainMembers() throws IOException {
        for (String seed : List.of("1", "2", "3")) {
            SPIRALS.add(train(members.resolve("s" + seed), CliRun.CONFIGS.resolve("spirals.yaml"), "--seed", seed,
                    "--epochs", "12", "--set", "data.n=800", "--set", "data.noise=0.06",
                    "--set", "data.preprocessing=[standardize]"));
        }
        blobs = train(members.resolve("b"), CliRun.CONFIGS.resolve("blobs.yaml"), "--epochs", "1");
    }

    @Test
    void foldsTrainAParentRunWithKFoldRunsAndPrintTheirSummary() throws IOException {
        CliRun cv = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), "--runs", runs.toString(),
                "--folds", "3", "--epochs", "3", "--set", "data.n=300");
        assertEquals(0, cv.exitCode(), cv.out() + cv.err());
        assertTrue(cv.out().contains("spirals: 3-fold cross-validation (stratified)"), cv.out());
        assertTrue(cv.out().contains("== fold 3 of 3"), cv.out());
        List<String> lines = cv.out().lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("fold ") && l.contains("val_accuracy"))
                .findFirst().orElseThrow());
        assertTrue(lines.get(header + 4).startsWith("mean "), cv.out());
        assertTrue(lines.get(header + 5).startsWith("std "), cv.out());
        List<String> folders;
        try (Stream<Path> s = Files.list(runs)) {
            // The run folders; the tracking store's file lies beside them.
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(4, folders.size(), folders.toString());
        assertTrue(folders.stream().filter(f -> f.matches("spirals-fold\\d-.*")).count() == 3, folders.toString());
        Path parent = runs.resolve(folders.stream().filter(f -> f.startsWith("spirals-folds-")).findFirst().orElseThrow());
        assertTrue(Files.readString(parent.resolve("lineage.json")).contains("\"role\" : \"parent\""));
        assertTrue(Files.readString(parent.resolve("config.json")).contains("\"folds\" : 3"));
        assertEquals(6, Files.readAllLines(parent.resolve("folds.csv")).size());

        // The parent stands for its folds: their models vote as an ensemble.
        CliRun eval = CliRun.of("eval", parent.toString());
        assertEquals(0, eval.exitCode(), eval.out() + eval.err());
        assertTrue(eval.out().startsWith("ensemble of 3 models (soft voting) on 60 examples of the test part of "
                + runs.resolve(folders.getFirst())), eval.out());
        for (String fold : folders.subList(0, 3)) {
            assertTrue(eval.out().contains(runs.resolve(fold) + "  spirals-fold"), eval.out());
        }
    }

    @Test
    void foldsWithJobsTrainSideBySideAndRecordTheirParent() throws IOException {
        CliRun cv = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), "--runs", runs.toString(),
                "--folds", "2", "--jobs", "2", "--epochs", "2", "--set", "data.n=200");
        assertEquals(0, cv.exitCode(), cv.out() + cv.err());
        assertTrue(cv.out().contains("[1/2] spirals-fold1: done") && cv.out().contains("[2/2] spirals-fold2: done"),
                cv.out());
        assertTrue(cv.out().lines().anyMatch(l -> l.startsWith("mean ")), cv.out());
        Path parent;
        List<Path> folds;
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> all = s.sorted().toList();
            parent = all.stream().filter(p -> p.getFileName().toString().startsWith("spirals-folds-")).findFirst()
                    .orElseThrow();
            folds = all.stream().filter(p -> p.getFileName().toString().matches("spirals-fold\\d-.*")).toList();
        }
        assertEquals(2, folds.size());
        for (int i = 0; i < 2; i++) {
            Path fold = folds.get(i);
            String lineage = Files.readString(fold.resolve("lineage.json"));
            assertTrue(lineage.contains("\"parent\" : \"" + parent.getFileName() + "\"") && lineage.contains(
                    "\"role\" : \"fold\""), lineage);
            assertTrue(Files.readString(fold.resolve("train.log")).contains("epoch 2/2"));
        }
        String json = Files.readString(parent.resolve("folds.json"));
        // 200 points, 160 after the test part, 80 per class: each fold holds out half of each.
        assertTrue(json.contains("\"run\": \"" + folds.get(0).getFileName() + "\"")
                && json.contains("\"class_counts\": {\"0\": 40, \"1\": 40}"), json);
    }

    @Test
    void badFoldCountsAreRefusedBeforeAnythingTrains() throws IOException {
        CliRun one = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), "--runs", runs.toString(),
                "--folds", "1");
        assertNotEquals(0, one.exitCode());
        assertTrue(one.err().contains("--folds must be >= 2 (training.folds), got 1"), one.err());
        CliRun set = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), "--runs", runs.toString(),
                "--set", "training.folds=1");
        assertTrue(set.err().contains("training.folds: must be >= 2"), set.err());
        // 300 spirals points, 240 after the test part: 120 per class.
        CliRun many = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), "--runs", runs.toString(),
                "--folds", "121", "--set", "data.n=300");
        assertNotEquals(0, many.exitCode());
        assertTrue(many.err().contains("training.folds: 121 is more than the 120 training examples of class 0, the smallest"
                + " class"), many.err());
        // The second config's data is checked before the first config's folds train.
        Path small = members.resolve("small-spirals.yaml");
        Files.writeString(small, Files.readString(CliRun.CONFIGS.resolve("spirals.yaml"))
                .replace("name: spirals", "name: small").replace("n: 2000", "n: 100"));
        CliRun second = CliRun.of("train", CliRun.CONFIGS.resolve("spirals.yaml").toString(), small.toString(),
                "--runs", runs.toString(), "--folds", "41");
        assertNotEquals(0, second.exitCode());
        assertTrue(second.err().contains("config 'small': training.folds: 41 is more than the 40 training examples"),
                second.err());
        try (Stream<Path> s = Files.list(runs)) {
            assertEquals(0, s.filter(Files::isDirectory).count(), "no run folder");
        }
    }

    @Test
    void evalScoresTheEnsembleNextToEachMemberOnTheSameExamples() throws IOException {
        List<String> args = new ArrayList<>(List.of("eval"));
        SPIRALS.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--out", runs.resolve("eval").toString()));
        CliRun eval = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, eval.exitCode(), eval.out() + eval.err());
        assertTrue(eval.out().startsWith("ensemble of 3 models (soft voting) on 160 examples of the test part of "
                + SPIRALS.getFirst()), eval.out());
        List<String> table = Files.readAllLines(runs.resolve("eval").resolve("members.csv"));
        assertEquals("model,config,accuracy,loss", table.getFirst());
        assertEquals(5, table.size());
        double memberSum = 0;
        for (int i = 0; i < 3; i++) {
            assertTrue(table.get(i + 1).startsWith(SPIRALS.get(i) + ",spirals,"), table.get(i + 1));
            memberSum += Double.parseDouble(table.get(i + 1).split(",")[2]);
            // Each member's own eval on the first run's test part gives its row.
            CliRun alone = CliRun.of("eval", SPIRALS.get(i).toString());
            assertEquals(0, alone.exitCode(), alone.err());
            if (i == 0) {
                assertEquals(number(alone.out(), "\naccuracy: ([0-9.]+)"),
                        Double.parseDouble(table.get(1).split(",")[2]), 1e-6);
            }
        }
        double ensemble = Double.parseDouble(table.get(4).split(",")[2]);
        assertTrue(table.get(4).startsWith("ensemble,soft voting of 3,"), table.get(4));
        assertEquals(ensemble, number(eval.out(), "\naccuracy: ([0-9.]+)"), 1e-6, "the ensemble's full evaluation");
        assertTrue(eval.out().contains("members' mean accuracy: "), eval.out());
        assertTrue(ensemble >= memberSum / 3, "ensemble " + ensemble + " vs members' mean " + memberSum / 3);
    }

    @Test
    void predictWritesTheMeanOfTheMembersProbabilitiesAsTheSameCsv() throws IOException {
        Path input = runs.resolve("points.csv");
        StringBuilder csv = new StringBuilder("x0,x1\n");
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 12; i++) {
            csv.append(rng.nextDouble(-1, 1)).append(',').append(rng.nextDouble(-1, 1)).append('\n');
        }
        Files.writeString(input, csv);
        List<List<String>> singles = new ArrayList<>();
        for (Path run : SPIRALS) {
            CliRun one = CliRun.of("predict", run.toString(), input.toString(), "--top", "2");
            assertEquals(0, one.exitCode(), one.err());
            singles.add(one.out().lines().toList());
        }
        CliRun vote = CliRun.of("predict", SPIRALS.get(0).toString(), SPIRALS.get(1).toString(), SPIRALS.get(2).toString(),
                input.toString(), "--top", "2");
        assertEquals(0, vote.exitCode(), vote.err());
        List<String> rows = vote.out().lines().toList();
        assertEquals(singles.getFirst().getFirst(), rows.getFirst(), "the same columns as one model's");
        assertEquals(13, rows.size());
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            double[] mean = new double[2];
            for (List<String> single : singles) {
                String[] s = single.get(i).split(",");
                mean[Integer.parseInt(s[2])] += Double.parseDouble(s[3]) / 3;
                mean[Integer.parseInt(s[4])] += Double.parseDouble(s[5]) / 3;
            }
            int predicted = Integer.parseInt(f[1]);
            assertEquals(mean[1] > mean[0] ? 1 : 0, predicted, rows.get(i));
            assertEquals(mean[predicted], Double.parseDouble(f[3]), 2e-6, rows.get(i));
            assertEquals(mean[1 - predicted], Double.parseDouble(f[5]), 2e-6, rows.get(i));
        }
    }

    @Test
    void membersThatDisagreeAreRefusedNamingTheRun() {
        CliRun predict = CliRun.of("predict", SPIRALS.getFirst().toString(), blobs.toString(),
                runs.resolve("unused.csv").toString());
        assertEquals(1, predict.exitCode());
        assertTrue(predict.err().contains("ensemble member " + blobs + ": classes [0, 1, 2, 3] differ from [0, 1] of "
                + SPIRALS.getFirst()), predict.err());
        CliRun eval = CliRun.of("eval", blobs.toString(), SPIRALS.getFirst().toString());
        assertEquals(1, eval.exitCode());
        assertTrue(eval.err().contains("ensemble member " + SPIRALS.getFirst() + ": "), eval.err());
    }

    private static Path train(Path dir, Path config, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", config.toString(), "--runs", dir.toString()));
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
