package dev.gatun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.io.SafetensorsReader;
import dev.gatun.io.SafetensorsWriter;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code predict} and {@code eval} write is data: NaN and infinite outputs are values that
 * are written and counted, not crashes, and names from the model or the files cannot turn into
 * spreadsheet formulas.
 */
class PredictionValuesTest {
    @TempDir
    Path runs;

    @Test
    void aNanWeightGivesNanPredictionsAndAWarningNotACrash() throws IOException {
        Path run = train("xor.json");
        // One NaN in the output layer's bias: every example's logit 0 is NaN.
        poison(run, t -> Arrays.equals(t.shape(), new int[] {2}), Float.NaN);
        Path csv = Files.writeString(runs.resolve("points.csv"), "x0,x1,label\n0.1,0.9,1\n0.9,0.9,0\n0.2,0.1,0\n");

        CliRun predict = CliRun.of("predict", run.toString(), csv.toString(), "--label", "label", "--top", "2");
        assertEquals(0, predict.exitCode(), predict.err());
        assertEquals(List.of("example,predicted,class,probability,class_2,probability_2", "1,,,NaN,,NaN", "2,,,NaN,,NaN",
                "3,,,NaN,,NaN"), predict.out().lines().toList());
        assertEquals("gatun predict: warning: 3 of 3 predictions are not finite (the model output NaN or an infinity)",
                predict.err().strip());

        Path out = runs.resolve("eval");
        CliRun eval = CliRun.of("eval", run.toString(), "--data", csv.toString(), "--label", "label", "--out",
                out.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("\nloss: NaN\n"), eval.out());
        assertTrue(eval.out().contains("\nnon_finite_predictions: 3\n"), eval.out());
        assertEquals("gatun eval: warning: 3 of 3 predictions are not finite (the model output NaN or an infinity)",
                eval.err().strip());
        String json = Files.readString(out.resolve("evaluation.json"));
        assertTrue(json.contains("\"loss\": null") && json.contains("\"non_finite_predictions\": 3"), json);
        assertTrue(!json.contains("NaN") && !json.contains("Infinity"), "JSON has no NaN literal: " + json);
    }

    @Test
    void anInfiniteWeightGivesInfinitiesAndNanAsValuesThatPandasReads() throws IOException {
        Path run = train("linear-regression.yaml");
        // y = ∞·x0 + ...: +∞ for x0 > 0, -∞ for x0 < 0, NaN (∞·0) for x0 = 0.
        poison(run, t -> t.shape().length == 2, Float.POSITIVE_INFINITY);
        Path csv = Files.writeString(runs.resolve("points.csv"), "x0,x1,x2,y\n1,0.5,0.5,1\n-1,0.5,0.5,1\n0,0.5,0.5,1\n");

        Path file = runs.resolve("out").resolve("predictions.csv");
        CliRun predict = CliRun.of("predict", run.toString(), csv.toString(), "--label", "y", "--out", file.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        assertEquals(List.of("example,prediction", "1,Infinity", "2,-Infinity", "3,NaN"), Files.readAllLines(file));
        assertTrue(predict.err().contains("3 of 3 predictions are not finite"), predict.err());

        CliRun eval = CliRun.of("eval", run.toString(), "--data", csv.toString(), "--label", "y");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("\nmse: NaN\n") && eval.out().contains("\nnon_finite_predictions: 3\n"),
                eval.out());
    }

    @Test
    void aClassNamedLikeAFormulaIsEscapedInPredictionsCsv() throws IOException {
        Path run = train("xor.json");
        Path card = run.resolve("model.json");
        String json = Files.readString(card);
        String edited = json.replaceFirst("\"class_names\"\\s*:\\s*\\[[^\\]]*\\]",
                "\"class_names\": [\"=HYPERLINK(\\\\\"http://evil.test\\\\\",\\\\\"click\\\\\")\", \"-0.5\"]");
        assertTrue(!edited.equals(json), json);
        Files.writeString(card, edited);
        Path csv = Files.writeString(runs.resolve("points.csv"), "x0,x1\n0.1,0.9\n0.9,0.9\n");

        CliRun predict = CliRun.of("predict", run.toString(), csv.toString(), "--top", "2");
        assertEquals(0, predict.exitCode(), predict.err());
        String formula = "\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"click\"\")\"";
        List<String> rows = predict.out().lines().skip(1).toList();
        assertEquals(2, rows.size());
        for (String row : rows) {
            // Either class may come first; both are there, the formula defused and quoted, the number left a number.
            String rest = row.substring(row.indexOf(',') + 1);
            assertTrue(rest.matches("0," + java.util.regex.Pattern.quote(formula) + ",[0-9.E-]+,-0\\.5,[0-9.E-]+")
                    || rest.matches("1,-0\\.5,[0-9.E-]+," + java.util.regex.Pattern.quote(formula) + ",[0-9.E-]+"),
                    row);
        }
    }

    private Path train(String config) throws IOException {
        CliRun train = CliRun.of("train", CliRun.CONFIGS.resolve(config).toString(), "--runs", runs.toString(), "--epochs",
                "1");
        assertEquals(0, train.exitCode(), train.err());
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** Rewrites the run's weights with element 0 of the first tensor {@code which} accepts set to {@code value}. */
    private static void poison(Path run, Predicate<Tensor> which, float value) throws IOException {
        Path weights = run.resolve("model.safetensors");
        Path edited = run.resolve("edited.safetensors");
        try (Scope s = Scope.open("poison")) {
            Map<String, Tensor> tensors = new LinkedHashMap<>(SafetensorsReader.read(weights, s));
            String name = tensors.entrySet().stream().filter(e -> which.test(e.getValue())).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new AssertionError("no such tensor in " + tensors.keySet()));
            float[] data = tensors.get(name).toFloatArray();
            data[0] = value;
            tensors.put(name, Tensor.of(data, tensors.get(name).shape()));
            try (OutputStream out = Files.newOutputStream(edited)) {
                SafetensorsWriter.writeTensors(tensors, SafetensorsReader.metadata(weights), out);
            }
        }
        Files.move(edited, weights, StandardCopyOption.REPLACE_EXISTING);
    }
}
