package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes of a file's tensors, read from its header alone, before anything is built or allocated. */
class SafetensorsShapesTest {
    @TempDir
    Path dir;

    @Test
    void shapesAreTheHeadersInOrderAndNothingIsAllocated() throws IOException {
        Path file = dir.resolve("m.safetensors");
        List<Parameter> state;
        try (Scope s = Scope.open(); OutputStream out = Files.newOutputStream(file)) {
            SplittableRandom rng = new SplittableRandom(1);
            state = new Sequential(new Linear(4, 6, rng), new BatchNorm1d(6), new Linear(6, 3, rng)).state();
            SafetensorsWriter.write(state, Map.of(), out);
            long live = Scope.liveBytes();
            Map<String, int[]> shapes = SafetensorsReader.shapes(file);
            assertEquals(live, Scope.liveBytes(), "no tensor memory");
            // The writer orders the header by name, as the reference implementation does.
            assertEquals(state.stream().map(Parameter::name).sorted().toList(), List.copyOf(shapes.keySet()));
            for (Parameter p : state) {
                assertArrayEquals(p.tensor().shape(), shapes.get(p.name()), p.name());
            }
        }
    }

    @Test
    void aMalformedHeaderIsTheReadersFormatErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"', ':', '1', '}', ' '});
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.shapes(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
}
