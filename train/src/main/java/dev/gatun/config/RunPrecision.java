package dev.gatun.config;

import dev.gatun.backend.Backend;
import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.optim.LossScaler;
import dev.gatun.train.Trainer;
import java.util.Locale;

/**
 * What {@code training.precision} does to a run: the backend it selects (tf32 creates it with
 * {@value Precision#TF32_PROPERTY} on), the trainer's autocast and loss scaling, and the line the
 * run prints about it.
 */
final class RunPrecision {
    // Whether the backend in use was created with TF32 on for a tf32 run (not by the property itself).
    private static boolean tf32Backend;

    private RunPrecision() {}

    /**
     * Makes {@code name} the backend in use, created with TF32 math allowed for a tf32 run and
     * without it otherwise (unless the property asks for it for the whole process).
     */
    static synchronized void selectBackend(String name, Precision precision) {
        boolean tf32 = precision == Precision.TF32 && !Boolean.getBoolean(Precision.TF32_PROPERTY);
        if (BackendRegistry.current().name().equals(name) && tf32 == tf32Backend) {
            return;
        }
        BackendRegistry.use(name, precision);
        tf32Backend = tf32;
    }

    /** Sets the trainer's precision and, when the config asks for it, a fresh loss scaler. */
    static void apply(Trainer trainer, TrainingConfig t) {
        trainer.setPrecision(t.precision(), t.lossScaling() ? new LossScaler() : null);
    }

    /** One line on what the precision means on this backend, or null for float32 without scaling. */
    static String describe(TrainingConfig t, Backend backend) {
        Precision p = t.precision();
        String scaling = t.lossScaling() ? String.format(Locale.ROOT, "dynamic loss scaling from %.0f",
                LossScaler.INITIAL_SCALE) : "no loss scaling";
        return switch (p) {
            case FP32 -> t.lossScaling() ? "precision fp32, " + scaling : null;
            case TF32 -> backend.device().isHost()
                    ? "precision tf32: the " + backend.name() + " backend has no TF32 math, so this run computes float32"
                    : "precision tf32: float32 tensors, TF32 tensor-core matrix products and convolutions";
            case BF16, FP16 -> "precision " + p + ": matmul, linear, conv2d and recurrent layers on " + p
                    + " operands with float32 sums" + (backend.name().equals("cuda") ? ""
                    : " (emulated: float32 kernels on operands rounded to " + p + ")")
                    + ", everything else float32; " + scaling;
        };
    }
}
