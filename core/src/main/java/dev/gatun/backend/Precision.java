package dev.gatun.backend;

import dev.gatun.tensor.DType;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic a training run asks for ({@code training.precision}, {@code --precision}):
 * <ul>
 *   <li>{@code fp32}: true float32 everywhere;</li>
 *   <li>{@code tf32}: float32 tensors, with matrix products and convolutions allowed on TF32 tensor
 *       cores (10 mantissa bits in the products, float32 sums) where the backend has them; the
 *       CPU backends have none and compute float32;</li>
 *   <li>{@code bf16} and {@code fp16}: mixed precision, the {@code dev.gatun.ops.Autocast} rules
 *       (matrix products, convolutions and recurrent layers on 16-bit operands with float32
 *       sums; everything else float32), master weights and optimizer state float32; fp16, whose
 *       range ends at 65504 and whose smallest value is 2^-24, also scales the loss.</li>
 * </ul>
 */
public enum Precision {
    /** True float32. */
    FP32("fp32"),
    /** Float32 tensors, TF32 tensor-core products where the backend has them. */
    TF32("tf32"),
    /** bfloat16 operands for the autocast ops: float32's range, 8 significant bits. */
    BF16("bf16"),
    /** float16 operands for the autocast ops: 11 significant bits, range ±65504. */
    FP16("fp16");

    /**
     * The system property the CUDA backend reads when it is created to allow TF32 math
     * ({@code CudaBackend.TF32_PROPERTY}); a tf32 run sets it for the backend it creates.
     */
    public static final String TF32_PROPERTY = "gatun.cuda.tf32";

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** {@return the name configs and the CLI use: fp32, tf32, bf16 or fp16} */
    public String label() {
        return label;
    }

    /** {@return whether the autocast ops round their operands to a 16-bit format (bf16, fp16)} */
    public boolean isHalf() {
        return this == BF16 || this == FP16;
    }

    /**
     * {@return the 16-bit dtype of a half precision: bfloat16 for bf16, float16 for fp16}
     *
     * @throws IllegalStateException for fp32 and tf32, which have none
     */
    public DType halfDType() {
        return switch (this) {
            case BF16 -> DType.BFLOAT16;
            case FP16 -> DType.FLOAT16;
            case FP32, TF32 -> throw new IllegalStateException(label + " is not a 16-bit format");
        };
    }

    /**
     * {@return whether a run in this precision scales its loss unless told otherwise: fp16 only,
     * as PyTorch's GradScaler is used; bf16 has float32's range and needs none}
     */
    public boolean scalesLossByDefault() {
        return this == FP16;
    }

    /** {@return the labels, for error messages: "fp32, tf32, bf16, fp16"} */
    public static String choices() {
        return Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", "));
    }

    /**
     * The precision a config or flag names, case-insensitively.
     *
     * @param label fp32, tf32, bf16 or fp16
     * @return the precision
     * @throws IllegalArgumentException naming the choices for any other value
     */
    public static Precision fromLabel(String label) {
        String key = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label.equals(key)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + label + "'; choose one of " + choices());
    }

    @Override
    public String toString() {
        return label;
    }
}
