package dev.gatun.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV cells follow RFC 4180 and OWASP's advice on CSV injection, and numbers stay numbers. */
class CsvCellTest {
    @Test
    void aCellThatASpreadsheetWouldRunAsAFormulaGetsALeadingQuote() {
        assertEquals("'=1+2", CsvCell.text("=1+2"));
        assertEquals("'+cmd|' /C calc'!A0", CsvCell.text("+cmd|' /C calc'!A0"));
        assertEquals("'-2+3+cmd|' /C calc'!A0", CsvCell.text("-2+3+cmd|' /C calc'!A0"));
        assertEquals("'@SUM(A1:A2)", CsvCell.text("@SUM(A1:A2)"));
        assertEquals("'\tx", CsvCell.text("\tx"));
        assertEquals("\"'\rx\"", CsvCell.text("\rx"));
        assertEquals("\"'=HYPERLINK(\"\"http://x.test\"\",\"\"click\"\")\"",
                CsvCell.text("=HYPERLINK(\"http://x.test\",\"click\")"));
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedWithQuotesDoubled() {
        assertEquals("\"a,b\"", CsvCell.text("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvCell.text("say \"hi\""));
        assertEquals("\"two\nlines\"", CsvCell.text("two\nlines"));
        assertEquals("plain name.png", CsvCell.text("plain name.png"));
        assertEquals("a=b", CsvCell.text("a=b"), "only a leading sign makes a formula");
        assertEquals("", CsvCell.text(""));
    }

    @Test
    void numbersStayNumbersWhetherWrittenAsNumbersOrAsText() {
        assertEquals("-0.5", CsvCell.number(-0.5));
        assertEquals("NaN", CsvCell.number(Double.NaN));
        assertEquals("-Infinity", CsvCell.number(Double.NEGATIVE_INFINITY));
        for (String n : List.of("-0.5", "+3", "-.25", "1e-3", "-1.5E+7", "NaN", "Infinity", "-Infinity", "42")) {
            assertEquals(n, CsvCell.text(n));
        }
    }

    @Test
    void aLineJoinsItsCellsAndEndsInANewline() {
        assertEquals("rank,\"a,b\",'=x,-1\n", CsvCell.line(List.of("rank", "a,b", "=x", "-1")));
    }
}
