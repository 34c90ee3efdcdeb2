package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.data.Dataset;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.json} is untrusted: every field is checked before anything is built from it, and
 * each problem is a {@link ModelCardException} naming the file and the field.
 */
class ModelCardTest {
    /** A three-class card for examples of three features, standardized. */
    private static final String VALID = """
            {"format": "gatun-model", "version": 1, "input": [3], "task": "classification",
             "class_names": ["a", "b", "c"],
             "preprocessing": [{"type": "standardize", "mean": [0.5, -1, 2e3], "std": [1, 0.25, 3]}]}""";

    /** A CSV classifier of three features with three outputs. */
    private static final String CONFIG = """
            name: three
            data: {source: csv, path: train.csv, label: label}
            model:
              layers:
                - {type: dense, units: 4}
                - {type: relu}
                - {type: dense, units: 3}
            """;

    @TempDir
    Path dir;

    private Path card(String json) throws IOException {
        Path file = dir.resolve(ModelCard.FILE);
        Files.writeString(file, json);
        return file;
    }

    /** The message of reading {@code json} as {@code dir/model.json}, which must fail. */
    private String refused(String json) throws IOException {
        Path file = card(json);
        ModelCardException e = assertThrows(ModelCardException.class, () -> ModelCard.read(dir));
        assertEquals(file.toString(), e.source());
        return e.getMessage();
    }

    @Test
    void aValidCardReadsBackAsWritten() throws IOException {
        card(VALID);
        ModelCard read = ModelCard.read(dir);
        assertArrayEquals(new int[] {3}, read.input());
        assertEquals(List.of("a", "b", "c"), read.classNames());
        ModelCard again = ModelCard.fromJson(read.toJson(), "again");
        assertEquals(read.toJson(), again.toJson());
    }

    @Test
    void aModelCardWithFewerClassNamesThanOutputsIsRefusedNamingTheField() throws IOException {
        Path file = card(VALID.replace("[\"a\", \"b\", \"c\"]", "[\"a\"]"));
        ModelCard one = ModelCard.read(dir);
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(CONFIG, "three.yaml"), "three");
        ModelCardException e = assertThrows(ModelCardException.class, () -> one.checkFits(config, file.toString()));
        assertEquals(file + ": class_names: 1 class names for a network that outputs [3] per example", e.getMessage());

        // Through the loader of a trained-model folder: refused before the network or its weights are touched.
        Files.writeString(dir.resolve(TrainedModel.CONFIG), ConfigLoader.toJson(config.normalized()));
        Files.write(dir.resolve(TrainedModel.WEIGHTS), new byte[0]);
        try (Scope s = Scope.open("card")) {
            long before = Scope.liveBytes();
            ModelCardException loaded = assertThrows(ModelCardException.class, () -> TrainedModel.load(dir));
            assertEquals(e.getMessage(), loaded.getMessage());
            assertEquals(before, Scope.liveBytes());
        }
    }

    @Test
    void aRegressionCardForANetworkOfThreeOutputsIsRefused() throws IOException {
        Path file = card(VALID.replace("\"classification\"", "\"regression\"").replace("[\"a\", \"b\", \"c\"]", "[]"));
        ModelCard regression = ModelCard.read(dir);
        ExperimentConfig config = ExperimentConfig.from(ConfigLoader.parseYaml(CONFIG, "three.yaml"), "three");
        ModelCardException e = assertThrows(ModelCardException.class,
                () -> regression.checkFits(config, file.toString()));
        assertEquals(file + ": task: the card is of a regression model but its config trains a classifier",
                e.getMessage());
    }

    @Test
    void wronglyTypedEntriesAreNamedErrorsNotJacksonExceptions() throws IOException {
        String[][] cases = {
            {"\"input\": [3]", "\"input\": [\"3\"]", "input[0]: must be an integer > 0, got '3'"},
            {"\"input\": [3]", "\"input\": [3.5]", "input[0]: must be an integer > 0, got 3.5"},
            {"\"input\": [3]", "\"input\": {\"n\": 3}", "input: must be a list of 1 to 8 dimensions, got a mapping"},
            {"\"version\": 1", "\"version\": \"1\"", "version: unsupported version '1' (this Gatun reads version 1)"},
            {"[\"a\", \"b\", \"c\"]", "[\"a\", 2, \"c\"]", "class_names[1]: must be a non-empty string, got 2"},
            {"[\"a\", \"b\", \"c\"]", "[\"a\", [\"b\"], \"c\"]", "class_names[1]: must be a non-empty string, got a list of 1"},
            {"[\"a\", \"b\", \"c\"]", "\"abc\"", "class_names: must be a list of names, got 'abc'"},
            {"[0.5, -1, 2e3]", "[0.5, \"x\", 2e3]", "preprocessing[0]: 'mean'[1] is not a number, got 'x'"},
            {"[0.5, -1, 2e3]", "{\"0\": 0.5}", "preprocessing[0]: 'mean' must be a list of numbers"},
            {"\"type\": \"standardize\"", "\"type\": 7", "preprocessing[0]: unknown type 7 (known: standardize, min_max,"
                + " one_hot)"},
            {"\"task\": \"classification\"", "\"task\": true", "task: must be \"classification\" or \"regression\", got true"},
            {"\"format\": \"gatun-model\"", "\"format\": null", "format: missing"},
        };
        for (String[] c : cases) {
            String json = VALID.replace(c[0], c[1]);
            assertEquals(dir.resolve(ModelCard.FILE) + ": " + c[2], refused(json), c[1]);
        }
        assertEquals(dir.resolve(ModelCard.FILE) + ": preprocessing: must be a list, got a mapping",
                refused(VALID.replace("\"preprocessing\": [", "\"preprocessing\": {\"x\": [").replace("}]}", "}]}}")));
        assertEquals(dir.resolve(ModelCard.FILE) + ": expected a JSON object, got a list of 1", refused("[1]"));
    }

    @Test
    void aMinOf1e308IsRefusedNamingTheFieldAndTheLargestFloatIsRead() throws IOException {
        String minMax = VALID.replace("{\"type\": \"standardize\", \"mean\": [0.5, -1, 2e3], \"std\": [1, 0.25, 3]}",
                "{\"type\": \"min_max\", \"min\": [MIN, 0, 0], \"max\": [3.4028235e38, 1, 1]}");
        assertEquals(dir.resolve(ModelCard.FILE) + ": preprocessing[0]: 'min'[0] = 1.0E308 is beyond the float32 range"
                + " (\u00b13.4028235E38)", refused(minMax.replace("MIN", "1e308")));
        assertEquals(dir.resolve(ModelCard.FILE) + ": preprocessing[0]: 'min'[0] is beyond the float32 range"
                + " (\u00b13.4028235E38)", refused(minMax.replace("MIN", "-1E+400")));
        card(minMax.replace("MIN", "-3.4028235e38"));
        ModelCard widest = ModelCard.read(dir);
        FittedPreprocessing.MinMax step = (FittedPreprocessing.MinMax) widest.preprocessing().steps().getFirst();
        assertArrayEquals(new float[] {-Float.MAX_VALUE, 0, 0}, step.scaler().min());
        assertArrayEquals(new float[] {Float.MAX_VALUE, 1, 1}, step.scaler().max());
    }

    @Test
    void inputDimensionsArePositiveAndHoldAtMostTwoToThe31Values() throws IOException {
        String file = dir.resolve(ModelCard.FILE) + ": ";
        assertEquals(file + "input[0]: must be an integer > 0, got 0", refused(VALID.replace("[3]", "[0]")));
        assertEquals(file + "input[1]: must be an integer > 0, got -1", refused(VALID.replace("[3]", "[3, -1]")));
        assertEquals(file + "input[0]: must be an integer > 0, got 2147483648",
                refused(VALID.replace("[3]", "[2147483648]")));
        assertEquals(file + "input: the dimensions hold more than 2147483647 values per example",
                refused(VALID.replace("[3]", "[65536, 65536]")));
        assertEquals(file + "input: must be a list of 1 to 8 dimensions, got a list of 9",
                refused(VALID.replace("[3]", "[1, 1, 1, 1, 1, 1, 1, 1, 3]")));
        assertEquals(file + "input: must be a list of 1 to 8 dimensions, got a list of 0",
                refused(VALID.replace("[3]", "[]")));
    }

    @Test
    void classNamesMatchTheTaskAndAreDistinctAndBounded() throws IOException {
        String file = dir.resolve(ModelCard.FILE) + ": ";
        assertEquals(file + "class_names: a classification model needs its class names, got none",
                refused(VALID.replace("[\"a\", \"b\", \"c\"]", "[]")));
        assertEquals(file + "class_names: a regression model has no classes, got 3 names",
                refused(VALID.replace("\"classification\"", "\"regression\"")));
        assertEquals(file + "class_names[2]: 'a' appears twice", refused(VALID.replace("\"c\"]", "\"a\"]")));
        assertEquals(file + "class_names[0]: must be a non-empty string, got ''", refused(VALID.replace("\"a\",", "\"\",")));
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= Dataset.MAX_CLASSES; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
        }
        assertEquals(file + "class_names: has 65537 names, more than the 65536 classes a model may have",
                refused(VALID.replace("[\"a\", \"b\", \"c\"]", many.append(']').toString())));
    }

    @Test
    void preprocessingMustFitTheInputAndTheTask() throws IOException {
        String file = dir.resolve(ModelCard.FILE) + ": ";
        assertEquals(file + "preprocessing[0]: fitted on 3 features but the input [4] holds 4",
                refused(VALID.replace("[3]", "[4]")));
        assertEquals(file + "preprocessing[0]: standardizer: 3 means and 2 standard deviations; need the same number,"
                + " at least 1", refused(VALID.replace("[1, 0.25, 3]", "[1, 0.25]")));
        assertEquals(file + "preprocessing[0]: standardizer: feature 1 has mean -1.0 and std -0.25; need finite values"
                + " and std >= 0", refused(VALID.replace("0.25", "-0.25")));
        assertEquals(file + "preprocessing[2]: one_hot appears twice",
                refused(VALID.replace("\"std\": [1, 0.25, 3]}", "\"std\": [1, 0.25, 3]}, {\"type\": \"one_hot\"},"
                        + " {\"type\": \"one_hot\"}")));
        assertEquals(file + "preprocessing[0]: unknown key 'scale' for a standardize step",
                refused(VALID.replace("\"std\":", "\"scale\": 1, \"std\":")));
        assertEquals(file + "preprocessing[0]: 'type' is missing (known: standardize, min_max, one_hot)",
                refused(VALID.replace("\"type\": \"standardize\", ", "")));
    }

    @Test
    void unknownKeysAreRefused() throws IOException {
        assertEquals(dir.resolve(ModelCard.FILE) + ": weights: unknown key (known: format, version, input, task,"
                + " class_names, preprocessing)", refused(VALID.replace("{\"format\"", "{\"weights\": 1, \"format\"")));
    }

    @Test
    void aModelCardWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path file = dir.resolve(ModelCard.FILE);
        Files.write(file, VALID.replace("\"b\"", "\"\u00e9\"").getBytes(StandardCharsets.ISO_8859_1));
        ModelCardException e = assertThrows(ModelCardException.class, () -> ModelCard.read(dir));
        int at = VALID.indexOf("\"b\"") + 2;
        assertEquals(file + ": line 2: not valid UTF-8 at byte " + at + " (0xE9)", e.getMessage());
    }

    @Test
    void jsonThatDoesNotParseNamesTheFile() throws IOException {
        String m = refused("{\"format\": \"gatun-model\", ");
        assertEquals(true, m.startsWith(dir.resolve(ModelCard.FILE) + ": not valid JSON"), m);
        assertEquals(1, m.lines().count(), m);
    }

    @Test
    void anIntegerPastADoublesRangeIsANamedErrorNotAJacksonOne() throws IOException {
        String huge = "1" + "0".repeat(400);
        assertEquals(dir.resolve(ModelCard.FILE) + ": preprocessing[0]: 'mean'[0] is beyond the float32 range"
                + " (\u00b13.4028235E38)", refused(VALID.replace("[0.5, -1, 2e3]", "[" + huge + ", -1, 2e3]")));
        assertEquals(dir.resolve(ModelCard.FILE) + ": input[0]: must be an integer > 0, got " + huge,
                refused(VALID.replace("[3]", "[" + huge + "]")));
        assertEquals(dir.resolve(ModelCard.FILE) + ": version: unsupported version " + huge
                + " (this Gatun reads version 1)", refused(VALID.replace("\"version\": 1", "\"version\": " + huge)));
    }
}
