package dev.gatun.config;

import dev.gatun.data.augment.Augmentation;
import dev.gatun.data.augment.Compose;
import dev.gatun.data.augment.GaussianNoise;
import dev.gatun.data.augment.HorizontalFlip;
import dev.gatun.data.augment.RandomCrop;
import dev.gatun.data.augment.RandomErasing;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code data.augmentation} list: image augmentations applied, in order, to training batches
 * only. Each entry is {@code {type: random_crop, pad: 2}}, {@code {type: hflip, p: 0.5}},
 * {@code {type: noise, std: 0.05}} or {@code {type: erasing, p: 0.5, scale: [0.02, 0.33],
 * ratio: [0.3, 3.3]}} (torchvision's defaults).
 *
 * @param stages the augmentations, in the order they run
 */
public record AugmentationConfig(List<Augmentation> stages) {
    /** The {@code type} values. */
    public static final List<String> TYPES = List.of("random_crop", "hflip", "noise", "erasing");

    /** Copies the list of stages. */
    public AugmentationConfig {
        stages = List.copyOf(stages);
    }

    static AugmentationConfig from(List<ConfigNode> entries) {
        List<Augmentation> stages = new ArrayList<>();
        for (ConfigNode n : entries) {
            String type = n.choice("type", null, TYPES);
            try {
                stages.add(switch (type) {
                    case "random_crop" -> {
                        n.allowKeys("type", "pad");
                        yield new RandomCrop(n.positiveInt("pad", 2));
                    }
                    case "hflip" -> {
                        n.allowKeys("type", "p");
                        yield new HorizontalFlip(probability(n, 0.5));
                    }
                    case "noise" -> {
                        n.allowKeys("type", "std");
                        yield new GaussianNoise(n.nonNegative("std", 0.05));
                    }
                    default -> {
                        n.allowKeys("type", "p", "scale", "ratio");
                        double p = probability(n, 0.5);
                        double[] scale = n.numbers("scale", 2, new double[] {0.02, 0.33});
                        double[] ratio = n.numbers("ratio", 2, new double[] {0.3, 3.3});
                        if (!(scale[0] >= 0 && scale[0] <= scale[1] && scale[1] <= 1)) {
                            throw n.error("scale", "must be [min, max] with 0 <= min <= max <= 1");
                        }
                        if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) {
                            throw n.error("ratio", "must be [min, max] with 0 < min <= max");
                        }
                        yield new RandomErasing(p, scale[0], scale[1], ratio[0], ratio[1], 0f);
                    }
                });
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
        }
        return new AugmentationConfig(stages);
    }

    private static double probability(ConfigNode n, double fallback) {
        double p = n.number("p", fallback);
        if (!(p >= 0 && p <= 1)) {
            throw n.error("p", "must be in [0, 1]");
        }
        return p;
    }

    /** {@return whether there is nothing to apply} */
    public boolean isEmpty() {
        return stages.isEmpty();
    }

    /** {@return the stages as one augmentation, or null when there are none} */
    public Augmentation buildOrNull() {
        return stages.isEmpty() ? null : stages.size() == 1 ? stages.getFirst() : Compose.of(stages.toArray(Augmentation[]::new));
    }
}
