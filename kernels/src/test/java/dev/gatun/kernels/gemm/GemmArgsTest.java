package dev.gatun.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad arguments fail before any memory is touched, with a message that names the problem. */
class GemmArgsTest {
    private static final Arena ARENA = Arena.ofShared();
    private static final MemorySegment A = ARENA.allocate(100 * 30 * Float.BYTES);
    private static final MemorySegment B = ARENA.allocate(30 * 40 * Float.BYTES);
    private static final MemorySegment C = ARENA.allocate(100 * 40 * Float.BYTES);

    @AfterAll
    static void close() {
        ARENA.close();
    }

    @Test
    void ldaTooSmall() {
        assertMessage("sgemm: A is 100×30 (transA=false) but lda=20 < 30",
                () -> Sgemm.sgemm(false, false, 100, 40, 30, 1f, A, 0, 20, B, 0, 40, 0f, C, 0, 40));
        assertMessage("sgemm: A is 30×100 (transA=true) but lda=30 < 100",
                () -> Sgemm.sgemm(true, false, 100, 40, 30, 1f, A, 0, 30, B, 0, 40, 0f, C, 0, 40));
    }

    @Test
    void ldbAndLdcTooSmall() {
        assertMessage("sgemm: B is 40×30 (transB=true) but ldb=29 < 30",
                () -> Sgemm.sgemm(false, true, 100, 40, 30, 1f, A, 0, 30, B, 0, 29, 0f, C, 0, 40));
        assertMessage("sgemm: C is 100×40 but ldc=39 < 40",
                () -> Sgemm.sgemm(false, false, 100, 40, 30, 1f, A, 0, 30, B, 0, 40, 0f, C, 0, 39));
    }

    @Test
    void segmentTooSmall() {
        assertMessage("sgemm: A is 100×30 (transA=false), lda=30, offset 1 needs 3001 floats but the segment holds 3000",
                () -> Sgemm.sgemm(false, false, 100, 40, 30, 1f, A, 1, 30, B, 0, 40, 0f, C, 0, 40));
        assertMessage("sgemm: C is 100×40, ldc=41, offset 0 needs 4099 floats but the segment holds 4000",
                () -> SgemmReference.sgemm(false, false, 100, 40, 30, 1f, A, 0, 30, B, 0, 40, 0f, C, 0, 41));
    }

    @Test
    void negativeSizesAndOffsets() {
        assertMessage("sgemm: m, n, k must be >= 0, got m=-1 n=40 k=30",
                () -> Sgemm.sgemm(false, false, -1, 40, 30, 1f, A, 0, 30, B, 0, 40, 0f, C, 0, 40));
        assertMessage("sgemm: bOffset=-4 < 0",
                () -> Sgemm.sgemm(false, false, 100, 40, 30, 1f, A, 0, 30, B, -4, 40, 0f, C, 0, 40));
    }

    @Test
    void dgemmCountsDoubles() {
        // 100×30 doubles need twice the bytes of A.
        assertMessage("dgemm: A is 100×30 (transA=false), lda=30, offset 0 needs 3000 doubles but the segment holds 1500",
                () -> Dgemm.dgemm(false, false, 100, 40, 30, 1, A, 0, 30, C, 0, 40, 0, C, 0, 40));
    }

    @Test
    void failedCallLeavesCAlone() {
        C.setAtIndex(ValueLayout.JAVA_FLOAT, 0, 5f);
        assertThrows(IllegalArgumentException.class,
                () -> Sgemm.sgemm(false, false, 100, 40, 30, 1f, A, 0, 30, B, 1, 40, 0f, C, 0, 40));
        assertEquals(5f, C.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
    }

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
