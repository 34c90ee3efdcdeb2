package dev.gatun.train.callbacks;

import dev.gatun.train.Trainer;

/**
 * What a callback sees after an optimizer step: batch {@code batch} of {@code batches} (0-based) in epoch {@code epoch} (1-based).
 *
 * @param trainer the trainer running the batch
 * @param epoch the epoch, 1-based
 * @param batch the batch's index, 0-based
 * @param batches the batches in the epoch
 * @param loss the batch's loss
 */
public record BatchContext(Trainer trainer, int epoch, int batch, int batches, double loss) {}
