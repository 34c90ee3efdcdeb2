package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir
    Path dir;

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void classIdsWithTheLabelColumnInTheMiddle() throws IOException {
        Path p = write("a.csv", "x1,label,x2\n1.5,2,-3\n\n4,0,5e-1\n 7 , 1 , 8 \n");
        CsvDataset d = CsvDataset.load(p, "label", CsvDataset.Labels.CLASS_IDS);
        assertEquals(3, d.size());
        assertEquals(3, d.classes());
        assertArrayEquals(new int[] {2}, d.featureShape());
        assertEquals(DType.INT32, d.targetDType());
        assertEquals(List.of("x1", "x2"), d.featureNames());
        DataLoader.Batch b = new DataLoader(d, 3, false, 0, false).batch(new int[] {0, 1, 2}, 0);
        assertArrayEquals(new float[] {1.5f, -3, 4, 0.5f, 7, 8}, b.features().toFloatArray());
        assertArrayEquals(new int[] {2, 0, 1}, b.labels().toIntArray());
    }

    @Test
    void classNamesAreNumberedInSortedOrderAndQuotedCommasStayInTheirField() throws IOException {
        Path p = write("b.csv", "\"w,h\",kind\n1,\"zebra, striped\"\n2,ant\n3,\"say \"\"hi\"\"\"\n4,ant\n");
        CsvDataset d = CsvDataset.load(p, "kind", CsvDataset.Labels.CLASS_NAMES);
        assertEquals(List.of("ant", "say \"hi\"", "zebra, striped"), d.classNames());
        assertEquals(List.of("w,h"), d.featureNames());
        assertArrayEquals(new int[] {2, 0, 1, 0}, d.data().labels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.data().features());
    }

    @Test
    void aTestFileCanReuseTheTrainingClassNumbering() throws IOException {
        CsvDataset train = CsvDataset.load(write("train.csv", "f,c\n1,b\n2,c\n3,a\n"), "c",
                CsvDataset.Labels.CLASS_NAMES);
        assertEquals(List.of("a", "b", "c"), train.classNames());
        CsvDataset test = CsvDataset.load(write("test.csv", "f,c\n1,c\n2,b\n"), "c", train.classNames());
        assertEquals(3, test.classes());
        assertArrayEquals(new int[] {2, 1}, test.data().labels());
        Path unseen = write("unseen.csv", "f,c\n1,c\n2,d\n");
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.load(unseen, "c", train.classNames()));
        assertContains(e.getMessage(), ":3:", "class 'd' is not one of [a, b, c]");
        assertThrows(IllegalArgumentException.class, () -> CsvDataset.load(unseen, "c", List.of("a", "a")));
    }

    @Test
    void regressionTargetsAreFloat32OfShapeOne() throws IOException {
        Path p = write("c.csv", "a,b,y\n1,2,0.25\n3,4,-1\n");
        CsvDataset d = CsvDataset.load(p, "y", CsvDataset.Labels.REGRESSION);
        assertEquals(0, d.classes());
        assertEquals(DType.FLOAT32, d.targetDType());
        assertArrayEquals(new int[] {1}, d.targetShape());
        DataLoader.Batch b = new DataLoader(d, 2, false, 0, false).batch(new int[] {1, 0}, 0);
        assertArrayEquals(new float[] {3, 4, 1, 2}, b.features().toFloatArray());
        assertArrayEquals(new float[] {-1, 0.25f}, b.labels().toFloatArray());
    }

    private String failure(String text, String label, CsvDataset.Labels kind) throws IOException {
        Path p = write("bad.csv", text);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvDataset.load(p, label, kind));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + message + "' lacks '" + part + "'");
        }
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        assertContains(failure("", "y", CsvDataset.Labels.CLASS_IDS), "empty");
        assertContains(failure("\n  \n", "y", CsvDataset.Labels.CLASS_IDS), "empty");
        assertContains(failure("1,2,3\n4,5,6\n", "y", CsvDataset.Labels.CLASS_IDS), ":1:", "missing header");
        assertContains(failure("a,b\n1,2\n", "y", CsvDataset.Labels.CLASS_IDS), ":1:",
                "unknown label column 'y'", "a, b");
        assertContains(failure("a,y\n1,0\n2,1,3\n", "y", CsvDataset.Labels.CLASS_IDS), ":3:",
                "expected 2 fields", "found 3");
        assertContains(failure("a,y\n1,0\n\n2\n", "y", CsvDataset.Labels.CLASS_IDS), ":4:",
                "expected 2 fields", "found 1");
        assertContains(failure("a,b,y\n1,2,0\n1,x7,0\n", "y", CsvDataset.Labels.CLASS_IDS), ":3:",
                "column 'b' (2)", "'x7' is not a number");
        assertContains(failure("a,y\n1,cat\n", "y", CsvDataset.Labels.CLASS_IDS), ":2:",
                "column 'y' (2)", "not an integer class id");
        assertContains(failure("a,y\n1,-1\n", "y", CsvDataset.Labels.CLASS_IDS), ":2:", "negative");
        assertContains(failure("a,y\n1,nope\n", "y", CsvDataset.Labels.REGRESSION), ":2:",
                "column 'y' (2)", "not a number");
        assertContains(failure("a,y\n\"1,0\n", "y", CsvDataset.Labels.CLASS_IDS), ":2:", "never closed");
        assertContains(failure("a,y\n", "y", CsvDataset.Labels.CLASS_IDS), "no data rows");
        assertContains(failure("y\n1\n", "y", CsvDataset.Labels.CLASS_IDS), "no feature columns");
        assertContains(failure("a,a,y\n1,2,0\n", "y", CsvDataset.Labels.CLASS_IDS), "'a' appears twice");
    }

    @Test
    void splittingFieldsHandlesQuotesAndEmptyFields() throws IOException {
        Path p = dir.resolve("x.csv");
        assertArrayEquals(new String[] {"a", "", "b,c", "d"}, CsvDataset.splitFields(p, 1, "a,,\"b,c\", d"));
        assertArrayEquals(new String[] {"", ""}, CsvDataset.splitFields(p, 1, ","));
        assertArrayEquals(new String[] {" q "}, CsvDataset.splitFields(p, 1, " \" q \" "));
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.splitFields(p, 7, "\"a\"b,c"));
        assertContains(e.getMessage(), ":7:", "after the closing quote");
    }
}
