package dev.gatun.train.callbacks;

import dev.gatun.train.Trainer;

/** What a callback sees after an optimizer step: batch {@code batch} of {@code batches} (0-based) in epoch {@code epoch} (1-based). */
public record BatchContext(Trainer trainer, int epoch, int batch, int batches, double loss) {}
