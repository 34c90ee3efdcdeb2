package dev.gatun.backend;

import dev.gatun.tensor.Tensor;

/**
 * Conversion between the float dtypes (float32, float64, bfloat16, float16): a core op of every
 * {@link Backend}, what {@link Tensor#to(dev.gatun.tensor.DType)} runs. Narrowing rounds to nearest,
 * ties to even, through float32 (float64 to a half rounds to float32 first); widening is exact; a
 * NaN stays a NaN and infinities stay infinities.
 */
public interface CastOps {
    /**
     * dst = src converted to dst's dtype, same shape; src may be strided, dst is contiguous.
     *
     * @param src the source, of any float dtype
     * @param dst the contiguous destination, of src's shape and any float dtype
     */
    default void cast(Tensor src, Tensor dst) {
        ElementwiseChecks.cast(src, dst);
        castUnchecked(src, dst);
    }

    /**
     * {@link #cast} on arguments it has checked.
     *
     * @param src the source, of any float dtype
     * @param dst the contiguous destination, of src's shape and any float dtype
     */
    void castUnchecked(Tensor src, Tensor dst);
}
