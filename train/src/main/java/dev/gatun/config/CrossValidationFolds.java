package dev.gatun.config;

import dev.gatun.data.ArrayDataset;
import dev.gatun.data.Dataset;
import dev.gatun.data.KFold;
import dev.gatun.data.Splits;
import java.util.List;

/**
 * The folds a config's {@code training.folds} asks for, over the examples left once the test part
 * is held out: stratified by class for classifiers (plain for regression) and seeded from the
 * config's seed, so the parent run and every fold's own run deal the same folds.
 */
public final class CrossValidationFolds {
    /** Offset of the fold assignment's seed from the config's (the validation split's own offset). */
    static final long SEED_OFFSET = 2;

    private CrossValidationFolds() {}

    /**
     * The folds of {@code data} for {@code config}.
     *
     * @param data the examples to fold (the training examples, test part already held out)
     * @param classNames the class names, for messages (may be empty)
     * @param config the experiment; {@code training.folds} must be set
     * @return the folds
     * @throws ConfigException at {@code training.folds} when it is not set, exceeds the examples, or
     *     exceeds the examples of the smallest class (stratified folds need every class in every fold)
     */
    public static KFold of(Dataset data, List<String> classNames, ExperimentConfig config) {
        int k = config.training().folds();
        if (k < 2) {
            throw new ConfigException("training.folds", "must be >= 2 for cross-validation, got " + k);
        }
        if (k > data.size()) {
            throw new ConfigException("training.folds", k + " folds need at least " + k + " training examples, the data "
                    + "has " + data.size());
        }
        boolean stratified = config.data().classification() && data.classes() > 0;
        if (stratified) {
            int[] counts = new int[data.classes()];
            for (int y : ArrayDataset.labelsOf(data)) {
                counts[y]++;
            }
            int smallest = -1;
            for (int c = 0; c < counts.length; c++) {
                if (counts[c] > 0 && (smallest < 0 || counts[c] < counts[smallest])) {
                    smallest = c;
                }
            }
            if (smallest >= 0 && k > counts[smallest]) {
                String name = smallest < classNames.size() ? "'" + classNames.get(smallest) + "'" : "" + smallest;
                throw new ConfigException("training.folds", k + " is more than the " + counts[smallest]
                        + " training examples of class " + name + ", the smallest class: stratified folds need every "
                        + "class in every fold");
            }
        }
        return new KFold(data, k, config.seed() + SEED_OFFSET, stratified);
    }

    /**
     * Fold {@code training.fold}'s parts: training on the other folds, validation on its own.
     *
     * @param data the examples to fold (test part already held out)
     * @param classNames the class names, for messages (may be empty)
     * @param config the experiment; {@code training.folds} and {@code training.fold} must be set
     * @return the fold's training and validation parts
     * @throws ConfigException at {@code training.fold} when the config names no fold, or as {@link #of}
     */
    public static Splits.TrainValidation heldOut(Dataset data, List<String> classNames, ExperimentConfig config) {
        if (!config.training().isFold()) {
            throw new ConfigException("training.fold", "not set: training.folds " + config.training().folds()
                    + " asks for cross-validation, which gatun train (or CrossValidationRun) runs fold by fold;"
                    + " set training.fold to train one fold");
        }
        return of(data, classNames, config).fold(config.training().fold() - 1);
    }
}
