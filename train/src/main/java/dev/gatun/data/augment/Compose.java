package dev.gatun.data.augment;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Augmentations applied in turn. Each stage draws from its own generator split off the
 * example's, so a stage's randomness does not depend on how many numbers the stages before it drew.
 *
 * @param stages the augmentations, first applied first
 */
public record Compose(List<Augmentation> stages) implements Augmentation {
    /** Copies the list; no stage may be null. */
    public Compose {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) == null) {
                throw new IllegalArgumentException("compose: stage " + i + " is null");
            }
        }
        stages = List.copyOf(stages);
    }

    /**
     * The given augmentations in order.
     *
     * @param stages the augmentations, in the order they run
     * @return the composition
     */
    public static Compose of(Augmentation... stages) {
        for (int i = 0; i < stages.length; i++) {
            if (stages[i] == null) {
                throw new IllegalArgumentException("compose: stage " + i + " is null");
            }
        }
        return new Compose(List.of(stages));
    }

    @Override
    public void apply(float[] pixels, ImageShape shape, SplittableRandom random) {
        for (Augmentation stage : stages) {
            stage.apply(pixels, shape, random.split());
        }
    }
}
