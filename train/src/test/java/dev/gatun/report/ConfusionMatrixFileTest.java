package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.ConfusionMatrix;
import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfusionMatrixFileTest {
    @TempDir
    Path dir;

    // truth:     0 0 0 1 1 2 2 2
    // predicted: 0 0 1 1 2 2 2 0
    private static final ConfusionMatrix CM = ConfusionMatrix.of(new int[] {0, 0, 1, 1, 2, 2, 2, 0},
            new int[] {0, 0, 0, 1, 1, 2, 2, 2}, 3);

    @Test
    void roundTripsCountsAndNames() throws IOException {
        List<String> names = List.of("T-shirt", "a \"quoted\" <b>", "Ünïcode");
        ConfusionMatrixFile.write(RunFolder.open(dir), CM, names);
        ConfusionMatrixFile back = ConfusionMatrixFile.read(dir);
        assertEquals(names, back.classes());
        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 1, 1}, {1, 0, 2}}, back.matrix());
        String json = Files.readString(dir.resolve(ConfusionMatrixFile.FILE));
        assertTrue(json.contains("\"matrix\": [\n    [2, 1, 0],"), json);
    }

    @Test
    void rebuiltMatrixHasTheSameMetrics() {
        ConfusionMatrix back = new ConfusionMatrixFile(List.of("a", "b", "c"), CM.counts()).toConfusionMatrix();
        assertArrayEquals(CM.counts(), back.counts());
        // Class 0: TP 2, predicted 3, actual 3.
        assertEquals(2.0 / 3, back.precision(0), 1e-12);
        assertEquals(2.0 / 3, back.recall(0), 1e-12);
        assertEquals(5.0 / 8, back.accuracy(), 1e-12);
    }

    @Test
    void countsMustBeSquareAndNonNegative() {
        var ragged = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.ofCounts(new long[][] {{1, 2}, {3}}));
        assertTrue(ragged.getMessage().contains("row 1 has 1 columns, expected 2"), ragged.getMessage());
        var negative = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.ofCounts(new long[][] {{1, -2}, {3, 4}}));
        assertTrue(negative.getMessage().contains("[0][1] is negative: -2"), negative.getMessage());
    }

    @Test
    void classNamesMustMatchTheClasses() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrixFile.write(RunFolder.open(dir), CM, List.of("a", "b")));
        assertTrue(e.getMessage().contains("3 classes but 2 class names"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve(ConfusionMatrixFile.FILE)));
    }

    @Test
    void malformedFileNamesTheProblem() throws IOException {
        Files.writeString(dir.resolve(ConfusionMatrixFile.FILE), "{\"classes\": [\"a\", \"b\"], \"matrix\": [[1, 2], [3]]}");
        var e = assertThrows(IllegalArgumentException.class, () -> ConfusionMatrixFile.read(dir));
        assertTrue(e.getMessage().contains("row 1 has 1 columns for 2 classes"), e.getMessage());
        assertTrue(e.getMessage().contains(ConfusionMatrixFile.FILE), e.getMessage());
    }
}
