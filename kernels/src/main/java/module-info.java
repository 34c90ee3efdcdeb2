/**
 * Compute on raw {@link java.lang.foreign.MemorySegment}s: Vector API kernels for GEMM,
 * convolution, pooling, normalization, recurrent cells, reductions, elementwise math and
 * optimizer steps, each beside the plain scalar twin it is tested against.
 */
module dev.gatun.kernels {
    requires jdk.incubator.vector;

    exports dev.gatun.kernels;
    exports dev.gatun.kernels.conv;
    exports dev.gatun.kernels.elementwise;
    exports dev.gatun.kernels.gemm;
    exports dev.gatun.kernels.half;
    exports dev.gatun.kernels.norm;
    exports dev.gatun.kernels.optim;
    exports dev.gatun.kernels.pool;
    exports dev.gatun.kernels.recurrent;
    exports dev.gatun.kernels.reduce;
}
