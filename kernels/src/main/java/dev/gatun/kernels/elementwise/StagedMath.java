package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.VectorMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/*
 * The shared driver of the transcendental maps (Exp, Log): x[n] -> y[n], y may alias x.
 *
 * Blocks are staged through a float[] because VectorMath's loops work on arrays: C2 may leave
 * a call un-inlined, which costs nothing for a method taking arrays but would box every vector of
 * one taking vectors (see VectorMath).
 */
final class StagedMath {
    enum Fn { EXP, LOG }

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long PARALLEL_MIN = 1 << 16;
    private static final int STAGE = 1024;

    private StagedMath() {}

    static void check(MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        SegmentBounds.count("n", n);
        SegmentBounds.floats("x", x, xOff, n);
        SegmentBounds.floats("y", y, yOff, n);
    }

    static void forward(Fn fn, MemorySegment x, long xOff, MemorySegment y, long yOff, long n) {
        check(x, xOff, y, yOff, n);
        Parallel.forRange(n, PARALLEL_MIN, (start, end) ->
                staged(fn, x, (xOff + start) * Float.BYTES, y, (yOff + start) * Float.BYTES, end - start));
    }

    private static void staged(Fn fn, MemorySegment x, long xb, MemorySegment y, long yb, long n) {
        float[] buf = new float[(int) Math.min(n, STAGE)];
        for (long done = 0; done < n; done += STAGE) {
            int len = (int) Math.min(STAGE, n - done);
            MemorySegment.copy(x, FLOAT, xb + done * Float.BYTES, buf, 0, len);
            switch (fn) {
                case EXP -> VectorMath.exp(buf, 0, len);
                case LOG -> VectorMath.log(buf, 0, len);
            }
            MemorySegment.copy(buf, 0, y, FLOAT, yb + done * Float.BYTES, len);
        }
    }
}
