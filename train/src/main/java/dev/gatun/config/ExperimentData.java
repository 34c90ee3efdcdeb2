package dev.gatun.config;

import dev.gatun.data.Dataset;
import dev.gatun.data.augment.Augmentation;
import java.util.List;

/**
 * The data of one experiment, preprocessed: training examples, and the optional validation
 * (per-epoch) and test (once at the end) parts.
 *
 * @param train the training examples
 * @param validationOrNull the validation examples, or null
 * @param testOrNull the test examples, or null
 * @param exampleShape the shape of one example as the network reads it
 * @param classes the number of classes, 0 for regression
 * @param classNames a name per class (numbers when the source has none); empty for regression
 * @param preprocessing the steps as fitted on the training part, already applied to every part
 * @param augmentationOrNull what to apply to training batches, or null
 * @param featureNames a name per feature of a one-dimensional example (a CSV file's columns); empty when the
 *     source names none
 */
public record ExperimentData(Dataset train, Dataset validationOrNull, Dataset testOrNull, int[] exampleShape,
                             int classes, List<String> classNames, FittedPreprocessing preprocessing,
                             Augmentation augmentationOrNull, List<String> featureNames) {
    /** Copies the example shape and the class and feature names. */
    public ExperimentData {
        exampleShape = exampleShape.clone();
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
    }

    /** {@return the shape of one example as the network reads it (a copy)} */
    @Override
    public int[] exampleShape() {
        return exampleShape.clone();
    }
}
