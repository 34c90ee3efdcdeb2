package dev.gatun.cli;

import dev.gatun.backend.Precision;
import java.util.Arrays;
import java.util.Iterator;

/** The precisions' labels (fp32, tf32, bf16, fp16) for {@code --precision}'s help and completion. */
final class PrecisionNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(Precision.values()).map(Precision::label).iterator();
    }
}
