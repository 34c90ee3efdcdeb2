package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.data.DataLoader;
import dev.gatun.nn.Linear;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 18, rough edge 7: off a terminal a trainer prints one line per epoch, nothing per batch. */
class EpochLinesTest {
    @Test
    void aTrainerOffATerminalPrintsOneLinePerEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Scope scope = Scope.open("model");
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Linear net = new Linear(20, 3, new SplittableRandom(1));
            DataLoader train = new DataLoader(new MemoryFlatTest.Blobs(320, 3), 32, false, 0, false); // 10 batches
            new Trainer(net, new Sgd(net.parameters(), 0.1, 0, 0, 0, false), Loss.CROSS_ENTROPY, out, false)
                    .fit(train, train, 3, null);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertEquals(3, lines.size(), String.join("\n", lines));
        for (int e = 1; e <= 3; e++) {
            assertTrue(lines.get(e - 1).startsWith("epoch " + e + "/3: train loss "), lines.get(e - 1));
        }
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }
}
