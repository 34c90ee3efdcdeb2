package dev.gatun.config;

/**
 * The {@code training} section: {@code {epochs: 10, batch: 128, eval_batch: 1000, checkpoint_every: 0}};
 * {@code checkpoint_every} 0 writes no checkpoints.
 *
 * @param epochs the number of epochs
 * @param batch the training batch size
 * @param evalBatch the evaluation batch size
 * @param checkpointEvery save a checkpoint every this many epochs, 0 for none
 */
public record TrainingConfig(int epochs, int batch, int evalBatch, int checkpointEvery) {
    static TrainingConfig from(ConfigNode n) {
        n.allowKeys("epochs", "batch", "eval_batch", "checkpoint_every");
        return new TrainingConfig(n.positiveInt("epochs", 10), n.positiveInt("batch", 128),
                n.positiveInt("eval_batch", 1000), n.nonNegativeInt("checkpoint_every", 0));
    }
}
