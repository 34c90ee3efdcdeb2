package dev.gatun.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run folder's JSON files are read strictly, and each problem names the file. */
class JsonFileTest {
    @Test
    void aRunJsonWithOneLatin1ByteNamesTheFileLineAndByte(@TempDir Path folder) throws IOException {
        Path file = folder.resolve("metrics.json");
        Files.write(file, "{\n\"name\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonFile.read(folder, "metrics.json"));
        assertEquals(file + ": line 2: not valid UTF-8 at byte 12 (0xE9)", e.getMessage());
    }

    @Test
    void aMissingOrMalformedFileIsNamed(@TempDir Path folder) throws IOException {
        assertEquals("run folder " + folder + " has no metrics.json",
                assertThrows(IllegalArgumentException.class, () -> JsonFile.read(folder, "metrics.json")).getMessage());
        Files.writeString(folder.resolve("metrics.json"), "{\"epochs\": [");
        String m = assertThrows(IllegalArgumentException.class, () -> JsonFile.read(folder, "metrics.json")).getMessage();
        assertEquals(true, m.startsWith(folder.resolve("metrics.json") + " is not valid JSON: "), m);
    }

    @Test
    void numbersPastTheirTypeInRunFilesAreNamedProblems(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("metrics.json"), "{\"epochs\": [{\"epoch\": 99999999999}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunMetrics.read(folder));
        assertEquals(folder.resolve("metrics.json") + ": epochs[0]: expected an object with an integer \"epoch\"",
                e.getMessage());
        Files.writeString(folder.resolve("metrics.json"), "{\"epochs\": [{\"epoch\": 1, \"loss\": 1" + "0".repeat(400)
                + "}]}");
        assertEquals(Double.NaN, RunMetrics.read(folder).epochs().getFirst().values().get("loss"));
    }
}
