package dev.gatun.kernels.recurrent;

import static dev.gatun.kernels.recurrent.CellData.F;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * LstmCell against its scalar twin: both use VectorMath's σ and tanh and do the rest in float in
 * the same order, so they agree bit for bit.
 */
class LstmCellTest {
    @Test
    void forwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : CellData.BATCH_HIDDEN) {
                int b = s[0];
                int h = s[1];
                long n = (long) b * h;
                MemorySegment gates = CellData.random(arena, 1, 3, 4 * n, -6, 6);
                MemorySegment cPrev = CellData.random(arena, 2, 1, n, -2, 2);
                MemorySegment gatesRef = CellData.copyOf(arena, gates);
                MemorySegment c = arena.allocate((n + 2) * Float.BYTES);
                MemorySegment cRef = arena.allocate((n + 2) * Float.BYTES);
                MemorySegment hv = arena.allocate((n + 5) * Float.BYTES);
                MemorySegment hRef = arena.allocate((n + 5) * Float.BYTES);
                LstmCell.forward(b, h, gates, 3, cPrev, 1, c, 2, hv, 5);
                LstmCell.forwardScalar(b, h, gatesRef, 3, cPrev, 1, cRef, 2, hRef, 5);
                String what = Arrays.toString(s);
                CellData.assertSameBits(gatesRef, gates, what + " gates");
                CellData.assertSameBits(cRef, c, what + " c");
                CellData.assertSameBits(hRef, hv, what + " h");
            }
        }
    }

    @Test
    void forwardScalarMatchesDefinition() {
        float[] g = {0.5f, -1f, 2f, 3f};
        float[] cp = {0.25f};
        float[] c = new float[1];
        float[] h = new float[1];
        LstmCell.forwardScalar(1, 1, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(cp), 0,
                MemorySegment.ofArray(c), 0, MemorySegment.ofArray(h), 0);
        double i = 1 / (1 + Math.exp(-0.5));
        double f = 1 / (1 + Math.exp(1));
        double gg = Math.tanh(2);
        double o = 1 / (1 + Math.exp(-3));
        double cv = f * 0.25 + i * gg;
        assertEquals(i, g[0], 1e-7);
        assertEquals(gg, g[2], 1e-7);
        assertEquals(cv, c[0], 1e-6);
        assertEquals(o * Math.tanh(cv), h[0], 1e-6);
    }

    @Test
    void backwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : CellData.BATCH_HIDDEN) {
                for (boolean withDc : new boolean[] {true, false}) {
                    int b = s[0];
                    int h = s[1];
                    long n = (long) b * h;
                    MemorySegment gates = CellData.random(arena, 3, 2, 4 * n, 0.01f, 0.99f);
                    MemorySegment cPrev = CellData.random(arena, 4, 0, n, -2, 2);
                    MemorySegment c = CellData.random(arena, 5, 1, n, -3, 3);
                    MemorySegment dh = CellData.random(arena, 6, 0, n, -1, 1);
                    MemorySegment dc = withDc ? CellData.random(arena, 7, 3, n, -1, 1) : null;
                    MemorySegment dg = arena.allocate(4 * n * Float.BYTES);
                    MemorySegment dgRef = arena.allocate(4 * n * Float.BYTES);
                    MemorySegment dcp = arena.allocate((n + 1) * Float.BYTES);
                    MemorySegment dcpRef = arena.allocate((n + 1) * Float.BYTES);
                    LstmCell.backward(b, h, gates, 2, cPrev, 0, c, 1, dh, 0, dc, 3, dg, 0, dcp, 1);
                    LstmCell.backwardScalar(b, h, gates, 2, cPrev, 0, c, 1, dh, 0, dc, 3, dgRef, 0, dcpRef, 1);
                    String what = Arrays.toString(s) + " dc " + withDc;
                    CellData.assertSameBits(dgRef, dg, what + " dGates");
                    CellData.assertSameBits(dcpRef, dcp, what + " dcPrev");
                }
            }
        }
    }

    @Test
    void backwardMayWriteDcPrevOverDc() {
        try (Arena arena = Arena.ofShared()) {
            int b = 3;
            int h = 19;
            long n = (long) b * h;
            MemorySegment gates = CellData.random(arena, 3, 0, 4 * n, 0.01f, 0.99f);
            MemorySegment cPrev = CellData.random(arena, 4, 0, n, -2, 2);
            MemorySegment c = CellData.random(arena, 5, 0, n, -3, 3);
            MemorySegment dh = CellData.random(arena, 6, 0, n, -1, 1);
            MemorySegment dc = CellData.random(arena, 7, 0, n, -1, 1);
            MemorySegment dg = arena.allocate(4 * n * Float.BYTES);
            MemorySegment dcpRef = arena.allocate(n * Float.BYTES);
            LstmCell.backwardScalar(b, h, gates, 0, cPrev, 0, c, 0, dh, 0, dc, 0, dg, 0, dcpRef, 0);
            LstmCell.backward(b, h, gates, 0, cPrev, 0, c, 0, dh, 0, dc, 0, dg, 0, dc, 0);
            CellData.assertSameBits(dcpRef, dc, "in place");
        }
    }

    @Test
    void saturatedGatesStayFinite() {
        float[] g = {80f, -80f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, 0f, 90f};
        float[] cp = {1e3f, -1e3f};
        float[] c = new float[2];
        float[] h = new float[2];
        LstmCell.forward(1, 2, MemorySegment.ofArray(g), 0, MemorySegment.ofArray(cp), 0,
                MemorySegment.ofArray(c), 0, MemorySegment.ofArray(h), 0);
        for (float v : g) {
            assertTrue(v >= -1f && v <= 1f, Arrays.toString(g));
        }
        assertTrue(Float.isFinite(c[0]) && Float.isFinite(h[0]) && Math.abs(h[1]) <= 1f, Arrays.toString(h));
    }

    @Test
    void badArgumentsNameTheProblem() {
        MemorySegment small = MemorySegment.ofArray(new float[10]);
        MemorySegment ok = MemorySegment.ofArray(new float[100]);
        var e = assertThrows(IllegalArgumentException.class, () -> LstmCell.forward(2, 3, small, 0, ok, 0, ok, 0, ok, 0));
        assertTrue(e.getMessage().contains("gates"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LstmCell.forward(-1, 3, ok, 0, ok, 0, ok, 0, ok, 0));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LstmCell.backward(2, 3, ok, 0, ok, 0, ok, 0, ok, 0, null, 0, ok, 0, small, 5));
        assertTrue(e.getMessage().contains("dcPrev"), e.getMessage());
        assertEquals(0f, small.getAtIndex(F, 0));
    }
}
