package dev.gatun.config;

import dev.gatun.backend.Precision;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code training} section: {@code {epochs: 10, batch: 128, eval_batch: 1000, checkpoint_every: 0}};
 * {@code checkpoint_every} 0 writes no checkpoints. {@code folds: K} (K >= 2) asks for stratified
 * K-fold cross-validation; {@code fold: i} (1..K) trains only fold i, holding it out as the
 * validation part: what each fold's own {@code config.json} says. Both are written to the
 * normalized config only when set, so other runs' {@code config.json} stays as it was.
 * {@code precision: fp32 | tf32 | bf16 | fp16} (default fp32) is the run's {@link Precision};
 * {@code loss_scaling: true | false} turns dynamic loss scaling on or off, by default on for fp16
 * only. Both are written to the normalized config only when they differ from their defaults.
 * {@code cuda_graphs: true} captures training steps as CUDA graphs and replays them ({@link
 * dev.gatun.train.StepCapture}); default false, written only when true.
 *
 * @param epochs the number of epochs
 * @param batch the training batch size
 * @param evalBatch the evaluation batch size
 * @param checkpointEvery save a checkpoint every this many epochs, 0 for none
 * @param folds the number of cross-validation folds, 0 for none
 * @param fold the fold this run trains, 1-based; 0 for every fold (or none)
 * @param precision the arithmetic of the run
 * @param lossScaling whether the loss is scaled dynamically (fp16's default)
 * @param cudaGraphs whether training steps run as CUDA graphs
 */
public record TrainingConfig(int epochs, int batch, int evalBatch, int checkpointEvery, int folds, int fold,
                             Precision precision, boolean lossScaling, boolean cudaGraphs) {
    private static final List<String> LABELS = Arrays.stream(Precision.values()).map(Precision::label).toList();

    /** Rejects a missing precision. */
    public TrainingConfig {
        if (precision == null) {
            throw new IllegalArgumentException("training.precision must not be null; choose one of "
                    + Precision.choices());
        }
    }

    /**
     * A float32 training section without CUDA graphs.
     *
     * @param epochs the number of epochs
     * @param batch the training batch size
     * @param evalBatch the evaluation batch size
     * @param checkpointEvery save a checkpoint every this many epochs, 0 for none
     * @param folds the number of cross-validation folds, 0 for none
     * @param fold the fold this run trains, 1-based; 0 for every fold (or none)
     */
    public TrainingConfig(int epochs, int batch, int evalBatch, int checkpointEvery, int folds, int fold) {
        this(epochs, batch, evalBatch, checkpointEvery, folds, fold, Precision.FP32, false, false);
    }

    /**
     * A training section without cross-validation.
     *
     * @param epochs the number of epochs
     * @param batch the training batch size
     * @param evalBatch the evaluation batch size
     * @param checkpointEvery save a checkpoint every this many epochs, 0 for none
     */
    public TrainingConfig(int epochs, int batch, int evalBatch, int checkpointEvery) {
        this(epochs, batch, evalBatch, checkpointEvery, 0, 0);
    }

    /** {@return whether this config trains one fold of a cross-validation} */
    public boolean isFold() {
        return folds > 0 && fold > 0;
    }

    static TrainingConfig from(ConfigNode n) {
        n.allowKeys("epochs", "batch", "eval_batch", "checkpoint_every", "folds", "fold", "precision", "loss_scaling",
                "cuda_graphs");
        int epochs = n.positiveInt("epochs", 10);
        int batch = n.positiveInt("batch", 128);
        int evalBatch = n.positiveInt("eval_batch", 1000);
        int checkpointEvery = n.nonNegativeInt("checkpoint_every", 0);
        int folds = n.optionalInt("folds", 0);
        if (folds == 1 || folds < 0) {
            throw n.error("folds", "must be >= 2 (the number of cross-validation folds), or 0 for none; got " + folds);
        }
        int fold = n.optionalInt("fold", 0);
        if (fold != 0 && folds == 0) {
            throw n.error("fold", "needs training.folds (the number of folds it is one of)");
        }
        if (fold < 0 || fold > folds) {
            throw n.error("fold", "must be in 1.." + folds + " (training.folds), got " + fold);
        }
        Precision precision = Precision.fromLabel(n.choice("precision", Precision.FP32.label(), LABELS));
        if (precision == Precision.FP32) {
            n.normalized().remove("precision");
        }
        boolean lossScaling = n.flag("loss_scaling", precision.scalesLossByDefault());
        boolean cudaGraphs = n.flag("cuda_graphs", false);
        return new TrainingConfig(epochs, batch, evalBatch, checkpointEvery, folds, fold, precision, lossScaling,
                cudaGraphs);
    }
}
