package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the start-up check of a data-parallel run says differs between two ranks. */
class RunFingerprintTest {
    @Test
    void namesEachDifferingEntryWithBothValues() {
        Map<String, String> root = new LinkedHashMap<>();
        root.put("config.training.batch", "32");
        root.put("config.optimizer.lr", "0.01");
        root.put("data.train.examples", "60000");
        Map<String, String> other = new LinkedHashMap<>(root);
        other.put("config.optimizer.lr", "0.02");
        other.put("data.train.examples", "59999");
        other.put("data.extra", "x");
        assertEquals(List.of("config.optimizer.lr is 0.02 there but 0.01 on rank 0",
                "data.train.examples is 59999 there but 60000 on rank 0", "data.extra is x there but (absent) on rank 0"),
                RunFingerprint.differences(root, other));
        assertEquals(List.of(), RunFingerprint.differences(root, new LinkedHashMap<>(root)));
    }

    @Test
    void listsAtMostFiveThenAnEllipsis() {
        Map<String, String> root = new LinkedHashMap<>();
        Map<String, String> other = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            root.put("k" + i, "a");
            other.put("k" + i, "b");
        }
        List<String> d = RunFingerprint.differences(root, other);
        assertEquals(6, d.size());
        assertEquals("...", d.getLast());
    }
}
