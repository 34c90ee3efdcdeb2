package dev.gatun.kernels.gemm;

/**
 * The right-hand operand op(B) (k×n) of an implicit GEMM
 * ({@link Sgemm#sgemm(boolean, int, int, int, float, java.lang.foreign.MemorySegment, long, int, BPanels, float,
 * java.lang.foreign.MemorySegment, long, int)}): written straight into Sgemm's packed layout one panel at a
 * time, so a B that is derived from other data (a convolution's column matrix) is never stored whole.
 *
 * <p>Layout of a packed panel op(B)[p0, p0+kc) × [j0, j0+nc) from index at of dst:
 * ceil(nc / {@link #SLIVER}) slivers, sliver s starting at at + s·kc·SLIVER and holding kc rows of
 * SLIVER floats: {@code dst[at + s·kc·SLIVER + p·SLIVER + c] = op(B)[p0 + p][j0 + s·SLIVER + c]},
 * zeros for columns past nc.
 * The same layout {@link Sgemm}'s own packing of a stored B produces.
 */
@FunctionalInterface
public interface BPanels {
    /** Columns per sliver: two vectors of {@link dev.gatun.kernels.Simd#FLOATS}. */
    int SLIVER = SgemmMicroKernel.NR;

    /**
     * Packs op(B)[p0, p0+kc) × [j0, j0+nc) into dst from index at, as described above. Called
     * from several threads at once, each writing its own dst or its own part of one.
     *
     * @param p0 the first row of op(B) to pack
     * @param kc the number of rows to pack
     * @param j0 the first column of op(B) to pack
     * @param nc the number of columns to pack
     * @param dst receives the panel, at least at + ceil(nc / SLIVER)·kc·SLIVER floats
     * @param at the index in dst of the panel's first float
     */
    void pack(int p0, int kc, int j0, int nc, float[] dst, int at);
}
