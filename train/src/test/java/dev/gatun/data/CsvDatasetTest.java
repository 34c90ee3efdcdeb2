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
        assertContains(e.getMessage(), ": line 3", "class 'd' is not one of [a, b, c]");
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
        assertContains(failure("1,2,3\n4,5,6\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 1", "missing header");
        assertContains(failure("a,b\n1,2\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 1",
                "unknown label column 'y'", "a, b");
        assertContains(failure("a,y\n1,0\n2,1,3\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 3",
                "expected 2 fields", "found 3");
        assertContains(failure("a,y\n1,0\n\n2\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 4",
                "expected 2 fields", "found 1");
        assertContains(failure("a,b,y\n1,2,0\n1,x7,0\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 3",
                "column 2 ('b')", "'x7' is not a number");
        assertContains(failure("a,y\n1,cat\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 2",
                "column 2 ('y')", "not an integer class id");
        assertContains(failure("a,y\n1,-1\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 2", "negative");
        assertContains(failure("a,y\n1,nope\n", "y", CsvDataset.Labels.REGRESSION), ": line 2",
                "column 2 ('y')", "not a number");
        assertContains(failure("a,y\n\"1,0\n", "y", CsvDataset.Labels.CLASS_IDS), ": line 2", "never closed");
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
        assertContains(e.getMessage(), ": line 7", "after the closing quote");
    }

    @Test
    void aCsvWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path p = dir.resolve("latin1.csv");
        Files.write(p, "a,y\n1,0\ncaf\u00e9,1\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.load(p, "y", CsvDataset.Labels.CLASS_NAMES));
        assertEquals(p + ": line 3: not valid UTF-8 at byte 12 (0xE9); save the file as UTF-8", e.getMessage());
        assertEquals(3, e.line());
    }

    @Test
    void javaOnlyNumberSyntaxIsNotANumber() throws IOException {
        for (String java : List.of("0x1p-2", "0x10", "1f", "2d", "3F", "4D", "1_000", "1e", ".", "e5", "1.2.3",
                "\u0663", "Infinityx")) {
            Path p = write("java.csv", "a,y\n1,0\n" + java + ",1\n");
            CsvFormatException e = assertThrows(CsvFormatException.class,
                    () -> CsvDataset.load(p, "y", CsvDataset.Labels.CLASS_IDS), java);
            assertEquals(p + ": line 3, column 1 ('a'): '" + java + "' is not a number", e.getMessage());
            assertEquals(1, e.column());
        }
    }

    @Test
    void numbersArePandasSpellingsOfDecimals() throws IOException {
        Path p = write("pandas.csv", "a,y\n.5,0\n5.,0\n+2E+4,0\n-1e-3,0\n007,0\n5.e1,0\n1e-50,0\n");
        CsvDataset d = CsvDataset.load(p, "y", CsvDataset.Labels.CLASS_IDS);
        assertArrayEquals(new float[] {0.5f, 5f, 2e4f, -1e-3f, 7f, 50f, 0f}, d.data().features());
    }

    @Test
    void infinitiesMissingValuesAndNumbersBeyondFloat32AreRefusedAsSuch() throws IOException {
        String[][] cases = {
            {"inf", "'inf' is not a finite number; every feature needs a finite value"},
            {"-Infinity", "'-Infinity' is not a finite number; every feature needs a finite value"},
            {"NaN", "'NaN' is not a finite number; every feature needs a finite value"},
            {"NA", "'NA' marks a missing value; every feature needs a number"},
            {"null", "'null' marks a missing value; every feature needs a number"},
            {"", "the field is empty, expected a number"},
            {"1e39", "'1e39' is beyond the float32 range (\u00b13.4028235E38)"},
        };
        for (String[] c : cases) {
            Path p = write("nonfinite.csv", "a,b,y\n1,2,0\n3," + c[0] + ",1\n");
            CsvFormatException e = assertThrows(CsvFormatException.class,
                    () -> CsvDataset.load(p, "y", CsvDataset.Labels.CLASS_IDS), c[0]);
            assertEquals(p + ": line 3, column 2 ('b'): " + c[1], e.getMessage());
        }
    }

    @Test
    void aLabelOfIntMaxIsRefusedBeforeAnyClassIsBuilt() throws IOException {
        for (String huge : List.of("2147483647", "100000000", "99999999999999999999", "65536")) {
            Path p = write("huge.csv", "a,y\n1,0\n2," + huge + "\n");
            long start = System.nanoTime();
            CsvFormatException e = assertThrows(CsvFormatException.class,
                    () -> CsvDataset.load(p, "y", CsvDataset.Labels.CLASS_IDS));
            assertEquals(p + ": line 3, column 2 ('y'): class id " + huge + " is out of range: a data set may have"
                    + " at most 65536 classes, ids 0..65535", e.getMessage());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "took " + (System.nanoTime() - start) + " ns");
        }
        CsvDataset most = CsvDataset.load(write("most.csv", "a,y\n1,65535\n2,+0\n3,-0\n"), "y",
                CsvDataset.Labels.CLASS_IDS);
        assertEquals(Dataset.MAX_CLASSES, most.classes());
        assertArrayEquals(new int[] {65535, 0, 0}, most.data().labels());
    }

    @Test
    void classIdsReadForAGivenClassCountMustFallWithinIt() throws IOException {
        CsvDataset d = CsvDataset.load(write("two.csv", "a,y\n1,0\n2,1\n"), "y", 3);
        assertEquals(3, d.classes());
        assertEquals(List.of("0", "1", "2"), d.classNames());
        Path p = write("four.csv", "a,y\n1,0\n2,3\n");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvDataset.load(p, "y", 3));
        assertEquals(p + ": line 3, column 2 ('y'): class id 3 is out of range: expected 0..2 for the 3 classes",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvDataset.load(p, "y", Dataset.MAX_CLASSES + 1));
    }

    @Test
    void moreDistinctClassNamesThanADataSetMayHaveAreRefused() throws IOException {
        StringBuilder sb = new StringBuilder("a,kind\n");
        for (int i = 0; i <= Dataset.MAX_CLASSES; i++) {
            sb.append(i).append(",k").append(i).append('\n');
        }
        Path p = write("names.csv", sb.toString());
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.load(p, "kind", CsvDataset.Labels.CLASS_NAMES));
        assertEquals(p + ": column 'kind' holds 65537 distinct class names, more than the 65536 classes a data set"
                + " may have", e.getMessage());
    }
}
