package dev.gatun.kernels.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** GruCell against its scalar twin: the same float arithmetic and VectorMath functions, so the same bits. */
class GruCellTest {
    @Test
    void forwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : CellData.BATCH_HIDDEN) {
                int b = s[0];
                int h = s[1];
                long n = (long) b * h;
                MemorySegment xg = CellData.random(arena, 1, 1, 3 * n, -4, 4);
                MemorySegment hg = CellData.random(arena, 2, 2, 3 * n, -4, 4);
                MemorySegment hp = CellData.random(arena, 3, 0, n, -1, 1);
                MemorySegment out = arena.allocate((n + 3) * Float.BYTES);
                MemorySegment outRef = arena.allocate((n + 3) * Float.BYTES);
                MemorySegment saved = arena.allocate(4 * n * Float.BYTES);
                MemorySegment savedRef = arena.allocate(4 * n * Float.BYTES);
                GruCell.forward(b, h, xg, 1, hg, 2, hp, 0, out, 3, saved, 0);
                GruCell.forwardScalar(b, h, xg, 1, hg, 2, hp, 0, outRef, 3, savedRef, 0);
                String what = Arrays.toString(s);
                CellData.assertSameBits(outRef, out, what + " h");
                CellData.assertSameBits(savedRef, saved, what + " saved");
            }
        }
    }

    @Test
    void forwardScalarMatchesDefinition() {
        float[] xg = {0.5f, -1f, 0.3f};
        float[] hg = {0.2f, 0.4f, -0.7f};
        float[] hp = {0.9f};
        float[] h = new float[1];
        float[] saved = new float[4];
        GruCell.forwardScalar(1, 1, MemorySegment.ofArray(xg), 0, MemorySegment.ofArray(hg), 0,
                MemorySegment.ofArray(hp), 0, MemorySegment.ofArray(h), 0, MemorySegment.ofArray(saved), 0);
        double r = 1 / (1 + Math.exp(-0.7));
        double z = 1 / (1 + Math.exp(0.6));
        double n = Math.tanh(0.3 + r * -0.7);
        assertEquals((1 - z) * n + z * 0.9, h[0], 1e-6);
        assertEquals(-0.7f, saved[3]);
    }

    @Test
    void backwardMatchesTwin() {
        try (Arena arena = Arena.ofShared()) {
            for (int[] s : CellData.BATCH_HIDDEN) {
                int b = s[0];
                int h = s[1];
                long n = (long) b * h;
                MemorySegment saved = CellData.random(arena, 4, 1, 4 * n, 0.01f, 0.99f);
                MemorySegment hp = CellData.random(arena, 5, 0, n, -1, 1);
                MemorySegment dh = CellData.random(arena, 6, 2, n, -1, 1);
                MemorySegment dxg = arena.allocate(3 * n * Float.BYTES);
                MemorySegment dxgRef = arena.allocate(3 * n * Float.BYTES);
                MemorySegment dhg = arena.allocate((3 * n + 1) * Float.BYTES);
                MemorySegment dhgRef = arena.allocate((3 * n + 1) * Float.BYTES);
                MemorySegment dhp = arena.allocate(n * Float.BYTES);
                MemorySegment dhpRef = arena.allocate(n * Float.BYTES);
                GruCell.backward(b, h, saved, 1, hp, 0, dh, 2, dxg, 0, dhg, 1, dhp, 0);
                GruCell.backwardScalar(b, h, saved, 1, hp, 0, dh, 2, dxgRef, 0, dhgRef, 1, dhpRef, 0);
                String what = Arrays.toString(s);
                CellData.assertSameBits(dxgRef, dxg, what + " dxg");
                CellData.assertSameBits(dhgRef, dhg, what + " dhg");
                CellData.assertSameBits(dhpRef, dhp, what + " dhPrev");
            }
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        MemorySegment small = MemorySegment.ofArray(new float[5]);
        MemorySegment ok = MemorySegment.ofArray(new float[100]);
        var e = assertThrows(IllegalArgumentException.class, () -> GruCell.forward(2, 3, ok, 0, ok, 0, ok, 0, ok, 0, small, 0));
        assertTrue(e.getMessage().contains("saved"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GruCell.backward(2, 3, ok, 0, ok, 0, ok, 0, small, 0, ok, 0, ok, 0));
        assertTrue(e.getMessage().contains("dxg"), e.getMessage());
    }
}
