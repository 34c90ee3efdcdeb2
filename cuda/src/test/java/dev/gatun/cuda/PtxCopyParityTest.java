package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gatun.device.DeviceBlock;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * On a GPU: copy_strided writes exactly what ScalarBackend.copy writes, bit for bit, for strided,
 * broadcast, offset and permuted views up to rank 8, into contiguous or strided destinations, and
 * converting float32 to int32 (Java's cast: NaN to 0, saturating) and back. Untouched destination
 * elements stay as they were. Skips without a GPU.
 */
class PtxCopyParityTest extends PtxParityTestBase {
    PtxCopyParityTest() {
        super(13);
    }

    @Test
    void transposedSourceIntoContiguousDestination() {
        Tensor src = Tensor.of(values(37 * 23, -5, 5), 37, 23).transpose(0, 1);
        assertCopyMatches(src, Tensor.zeros(23, 37), 0, "transpose");
    }

    @Test
    void broadcastSourceWithAZeroStride() {
        Tensor base = Tensor.of(values(5 * 7, -5, 5), 5, 7);
        Tensor src = base.view(new int[] {5, 3, 7}, new long[] {7, 0, 1}, 0);
        assertCopyMatches(src, Tensor.zeros(5, 3, 7), 0, "broadcast");
    }

    @Test
    void offsetSliceIntoATransposedDestination() {
        Tensor src = Tensor.of(values(10 * 30, -5, 5), 10, 30).slice(1, 3, 27).slice(0, 1, 9); // [8, 24], offset 33
        Tensor dstBase = Tensor.full(DType.FLOAT32, -7, 24, 9);
        Tensor dst = dstBase.slice(1, 1, 9).transpose(0, 1); // [8, 24] with strides [1, 9], offset 1
        assertCopyMatches(src, dst, 0, "slice into transposed slice");
    }

    @Test
    void rankEightPermutedView() {
        Tensor base = Tensor.of(values(360, -5, 5), 360);
        Tensor src = base.view(new int[] {2, 3, 1, 2, 3, 2, 1, 5}, new long[] {1, 2, 0, 6, 12, 36, 0, 72}, 0);
        assertCopyMatches(src, Tensor.zeros(2, 3, 1, 2, 3, 2, 1, 5), 0, "rank 8");
    }

    @Test
    void scalarAndInt32Copies() {
        assertCopyMatches(Tensor.scalar(DType.FLOAT32, 3.5), Tensor.zeros(DType.FLOAT32), 0, "rank 0");
        int[] ints = new int[4099];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = random.nextInt();
        }
        assertCopyMatches(Tensor.of(ints, 4099), Tensor.zeros(DType.INT32, 4099), 0, "int32 bits");
    }

    @Test
    void floatToIntIsJavasCast() {
        float[] f = values(13 * 11, -3e9, 3e9);
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 2.7f, -2.7f, 0.99f,
                -0.99f, 2147483520f, -2147483648f, 3e9f, -3e9f, 16777217f};
        System.arraycopy(special, 0, f, 0, special.length);
        Tensor src = Tensor.of(f, 13, 11).transpose(0, 1);
        assertCopyMatches(src, Tensor.zeros(DType.INT32, 11, 13), 1, "float32 -> int32");
    }

    @Test
    void intToFloatRoundsToNearest() {
        int[] ints = new int[4099];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = random.nextInt();
        }
        int[] special = {Integer.MAX_VALUE, Integer.MIN_VALUE, 16777217, -16777219, 0, -1, 33554435};
        System.arraycopy(special, 0, ints, 0, special.length);
        assertCopyMatches(Tensor.of(ints, 4099), Tensor.zeros(4099), 2, "int32 -> float32");
        Tensor strided = Tensor.of(ints, 4099).slice(0, 1, 4099).view(new int[] {2049}, new long[] {2}, 1);
        assertCopyMatches(strided, Tensor.zeros(2049), 2, "every other int32 -> float32");
    }

    /**
     * Copies src into dst on the device (both storages uploaded first, offsets folded into the
     * pointers) and with the scalar backend, and compares the destination storages bit for bit.
     */
    private void assertCopyMatches(Tensor src, Tensor dst, int mode, String what) {
        DeviceBlock ds = uploadStorage(src), dd = uploadStorage(dst);
        int rank = src.rank();
        Object[] args = new Object[5 + 3 * 8];
        args[0] = at(ds, src.offset());
        args[1] = at(dd, dst.offset());
        args[2] = src.size();
        args[3] = rank;
        args[4] = mode;
        for (int k = 0; k < 8; k++) {
            args[5 + k] = k < rank ? (long) src.dim(k) : 1L;
            args[13 + k] = k < rank ? src.strides()[k] : 0L;
            args[21 + k] = k < rank ? dst.strides()[k] : 0L;
        }
        run(PtxKernels.COPY_STRIDED, gridFor(src.size()), THREADS, args);
        scalar.copy(src, dst);
        int[] expected = dst.segment().toArray(ValueLayout.JAVA_INT);
        assertArrayEquals(expected, ints(dd, expected.length), what);
    }
}
