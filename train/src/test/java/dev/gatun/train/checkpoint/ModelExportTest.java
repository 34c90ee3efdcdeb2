package dev.gatun.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.io.SafetensorsReader;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class ModelExportTest {
    @TempDir
    Path dir;
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void weightsAndConfigRoundTrip() throws IOException {
        Sequential model = new Sequential(new Linear(3, 4, new SplittableRandom(1)));
        Path out = dir.resolve("export");
        ModelExport.write(out, model, Checkpoint.JSON.createObjectNode().put("sample", "mlp").put("hidden", 4));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("config.json", "model.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        JsonNode config = Checkpoint.JSON.readTree(Files.readString(out.resolve("config.json")));
        assertEquals("mlp", config.get("sample").stringValue());
        assertEquals(4, config.get("hidden").intValue());
        Sequential other = new Sequential(new Linear(3, 4, new SplittableRandom(2)));
        SafetensorsReader.loadInto(other, out.resolve("model.safetensors"));
        List<int[]> want = ResumeTest.bits(model.state());
        List<int[]> got = ResumeTest.bits(other.state());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i));
        }
    }

    @Test
    void configMustBeAnObject() {
        Sequential model = new Sequential(new Linear(3, 4, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class,
                () -> ModelExport.write(dir, model, Checkpoint.JSON.createArrayNode()));
    }
}
