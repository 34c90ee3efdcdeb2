package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path dir;

    private static final EpochMetrics ONE = new EpochMetrics(1, 0.612345678, 0.78125, 0.5, 0.8123, 0.001, 7.25, 8275.862);
    private static final EpochMetrics TWO = new EpochMetrics(2, 0.4312, 0.845, 0.45, 0.84, 5e-4, 6.5, 9230.77);

    private MetricsLog twoEpochs(Map<String, String> run) throws IOException {
        MetricsLog log = new MetricsLog(RunFolder.create(dir, "mlp"), run);
        log.add(ONE);
        log.add(TWO);
        return log;
    }

    @Test
    void csvHasHeaderAndRowsThatParseBack() throws IOException {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // decimal comma must not leak into the file
        try {
            MetricsLog log = twoEpochs(Map.of("sample", "mlp"));
            List<String> lines = Files.readAllLines(log.folder().path().resolve("metrics.csv"));
            assertEquals(3, lines.size());
            assertEquals(MetricsLog.CSV_HEADER, lines.get(0));
            assertEquals("1,0.612346,0.78125,0.5,0.8123,0.001,7.25,8275.86", lines.get(1));
            for (int row = 0; row < 2; row++) {
                String[] cells = lines.get(row + 1).split(",");
                assertEquals(8, cells.length);
                EpochMetrics m = List.of(ONE, TWO).get(row);
                assertEquals(m.epoch(), Integer.parseInt(cells[0]));
                double[] expected = {m.trainLoss(), m.trainAccuracy(), m.valLoss(), m.valAccuracy(),
                        m.learningRate(), m.seconds(), m.samplesPerSecond()};
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], Double.parseDouble(cells[i + 1]), Math.abs(expected[i]) * 1e-5);
                }
            }
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void jsonHasRunAndEpochs() throws IOException {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("sample", "fashion-mlp");
        run.put("backend", "cpu");
        run.put("seed", "42");
        MetricsLog log = twoEpochs(run);
        String json = Files.readString(log.folder().path().resolve("metrics.json"));
        assertEquals(log.json(), json);
        assertBalanced(json);
        assertTrue(json.startsWith("{") && json.strip().endsWith("}"), json);
        assertTrue(json.contains("\"run\": {"), json);
        assertTrue(json.indexOf("\"sample\": \"fashion-mlp\"") < json.indexOf("\"backend\": \"cpu\""), json);
        assertTrue(json.contains("\"seed\": \"42\""), json);
        assertTrue(json.contains("\"epochs\": ["), json);
        assertEquals(2, count(json, "\"epoch\": "));
        assertTrue(json.contains("{\"epoch\": 2, \"train_loss\": 0.4312, \"train_accuracy\": 0.845,"
                + " \"val_loss\": 0.45, \"val_accuracy\": 0.84, \"lr\": 0.0005, \"seconds\": 6.5,"
                + " \"samples_per_second\": 9230.77}"), json);
        assertTrue(!json.contains("\"final\""), "no final object before setFinal: " + json);
        for (String key : MetricsLog.CSV_HEADER.split(",")) {
            assertEquals(2, count(json, "\"" + key + "\": "), key);
        }
    }

    @Test
    void emptyLogIsValidJson() throws IOException {
        MetricsLog log = new MetricsLog(RunFolder.create(dir, "empty"), Map.of());
        log.write();
        assertEquals("{\n  \"run\": {},\n  \"epochs\": []\n}\n", log.json());
        assertEquals(MetricsLog.CSV_HEADER + "\n", log.csv());
    }

    @Test
    void escapesRunValues() throws IOException {
        Map<String, String> run = new LinkedHashMap<>();
        run.put("note", "say \"hi\"\nback\\slash\ttab\u0001");
        run.put("key \"q\"", "v");
        String json = twoEpochs(run).json();
        assertTrue(json.contains("\"note\": \"say \\\"hi\\\"\\nback\\\\slash\\ttab\\u0001\""), json);
        assertTrue(json.contains("\"key \\\"q\\\"\": \"v\""), json);
        assertBalanced(json);
        // No raw control characters inside the document other than the layout newlines.
        assertTrue(json.chars().noneMatch(c -> c < 0x20 && c != '\n'), json);
    }

    @Test
    void nonFiniteIsNullInJsonAndNamedInCsv() throws IOException {
        MetricsLog log = new MetricsLog(RunFolder.create(dir, "nan"), Map.of());
        log.add(new EpochMetrics(1, Double.NaN, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1, 1, 2));
        String json = log.json();
        assertTrue(json.contains("\"train_loss\": null"), json);
        assertTrue(json.contains("\"val_loss\": null, \"val_accuracy\": null"), json);
        assertTrue(!json.contains("NaN") && !json.contains("Infinity"), json);
        assertEquals("1,NaN,0.5,Infinity,-Infinity,0.1,1,2", log.csv().split("\n")[1]);
    }

    @Test
    void headerIsTheSharedSchema() {
        assertEquals("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second",
                MetricsLog.CSV_HEADER);
    }

    @Test
    void finalMetricsFollowTheEpochs() throws IOException {
        MetricsLog log = twoEpochs(Map.of("sample", "mlp"));
        Map<String, Double> end = new LinkedHashMap<>();
        end.put("test_loss", 0.375);
        end.put("test_accuracy", 0.8625);
        end.put("test_macro_f1", Double.NaN);
        log.setFinal(end);
        String json = Files.readString(log.folder().path().resolve("metrics.json"));
        assertBalanced(json);
        assertTrue(json.endsWith("  ],\n  \"final\": {\n    \"test_loss\": 0.375,\n    \"test_accuracy\": 0.8625,\n"
                + "    \"test_macro_f1\": null\n  }\n}\n"), json);
        assertEquals(end, log.finalMetrics());
        assertEquals(3, Files.readAllLines(log.folder().path().resolve("metrics.csv")).size(), "the CSV is per epoch only");
    }

    @Test
    void restoreReplacesTheEpochsWithoutWriting() throws IOException {
        MetricsLog log = new MetricsLog(RunFolder.create(dir, "resumed"), Map.of());
        log.restore(List.of(ONE, TWO));
        assertTrue(!Files.exists(log.folder().path().resolve("metrics.csv")));
        log.add(new EpochMetrics(3, 0.4, 0.85, 0.44, 0.845, 1e-4, 6, 10000));
        assertEquals(List.of(1, 2, 3), log.epochs().stream().map(EpochMetrics::epoch).toList());
        assertEquals(4, Files.readAllLines(log.folder().path().resolve("metrics.csv")).size());
    }

    @Test
    void numbersHaveSixSignificantDigits() {
        assertEquals("0.612346", MetricsLog.number(0.612345678));
        assertEquals("123457", MetricsLog.number(123456.7));
        assertEquals("1234570", MetricsLog.number(1234567.0));
        assertEquals("-2.5", MetricsLog.number(-2.5));
        assertEquals("0", MetricsLog.number(0.0));
        assertEquals("0.000123457", MetricsLog.number(0.0001234567));
        assertEquals(1.23457e-9, Double.parseDouble(MetricsLog.number(1.234567e-9)), 1e-20);
        assertEquals(1e300, Double.parseDouble(MetricsLog.number(1e300)), 1e290);
    }

    @Test
    void nonFiniteNumbersAreSpelledAsPandasReadsThemAndNullInJson() {
        assertEquals("NaN", MetricsLog.number(Double.NaN));
        assertEquals("Infinity", MetricsLog.number(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", MetricsLog.number(Double.NEGATIVE_INFINITY));
        assertEquals("null", MetricsLog.jsonNumber(Double.NaN));
        assertEquals("null", MetricsLog.jsonNumber(Double.NEGATIVE_INFINITY));
        assertEquals("-2.5", MetricsLog.jsonNumber(-2.5));
    }

    @Test
    void atomicWritesLeaveNoTempFiles() throws IOException {
        MetricsLog log = twoEpochs(Map.of("a", "b"));
        log.add(new EpochMetrics(3, 0.4, 0.85, 0.44, 0.845, 1e-4, 6, 10000));
        try (Stream<Path> files = Files.list(log.folder().path())) {
            assertEquals(List.of("metrics.csv", "metrics.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(4, Files.readAllLines(log.folder().path().resolve("metrics.csv"), StandardCharsets.UTF_8).size());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Brackets and braces nest properly outside strings, and strings are closed. */
    private static void assertBalanced(String json) {
        StringBuilder stack = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                stack.append(c);
            } else if (c == '}' || c == ']') {
                assertTrue(!stack.isEmpty() && stack.charAt(stack.length() - 1) == (c == '}' ? '{' : '['), json);
                stack.setLength(stack.length() - 1);
            }
        }
        assertTrue(!inString && stack.isEmpty(), json);
    }
}
