package dev.gatun.data;

import dev.gatun.tensor.Scope;

/** What a fuzz test does with a data set its reader returned: serves its first batch, as training would. */
final class FirstBatch {
    private FirstBatch() {}

    /** Loads the first batch of up to four examples of {@code data} into tensors, and frees them. */
    static void load(Dataset data) {
        if (data.size() == 0) {
            return;
        }
        DataLoader loader = new DataLoader(data, Math.min(4, data.size()), false, 0, false);
        try (Scope s = Scope.open("fuzz batch")) {
            loader.batch(loader.order(0), 0);
        }
    }
}
