package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.train.metrics.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLineageTest {
    @TempDir
    Path dir;

    @Test
    void aLineageWrittenIntoARunFolderReadsBackAndNoneWritesNothing() throws IOException {
        RunFolder folder = RunFolder.open(Files.createDirectories(dir.resolve("run")));
        RunLineage.NONE.write(folder);
        assertFalse(Files.exists(folder.resolve(RunLineage.FILE)));
        assertEquals(RunLineage.NONE, RunLineage.read(folder.path()));
        RunLineage fold = new RunLineage("cv-20261206-080000", "fold", Map.of("fold", "3"));
        fold.write(folder);
        assertEquals(fold, RunLineage.read(folder.path()));
    }

    @Test
    void aMalformedLineageIsRefusedNamingItsFile() throws IOException {
        Path run = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(run.resolve(RunLineage.FILE), "{\"tags\": [1]}");
        IOException e = assertThrows(IOException.class, () -> RunLineage.read(run));
        assertTrue(e.getMessage().startsWith(run.resolve(RunLineage.FILE).toString()), e.getMessage());
    }

    @Test
    void aLineageLargerThanAMebibyteIsRefusedBeforeItIsRead() throws IOException {
        Path run = Files.createDirectories(dir.resolve("huge"));
        Files.write(run.resolve(RunLineage.FILE), new byte[(int) RunLineage.MAX_BYTES + 1]);
        IOException e = assertThrows(IOException.class, () -> RunLineage.read(run));
        assertTrue(e.getMessage().contains("more than the " + RunLineage.MAX_BYTES + " that a lineage may have"),
                e.getMessage());
    }

    @Test
    void statesGoBothWaysOnTheWire() {
        for (RunState s : RunState.values()) {
            assertEquals(s, RunState.ofWire(s.wire()));
        }
        assertThrows(IllegalArgumentException.class, () -> RunState.ofWire("done"));
    }
}
