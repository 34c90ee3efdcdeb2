package dev.gatun.kernels.elementwise;

import dev.gatun.kernels.Parallel;
import dev.gatun.kernels.SegmentBounds;
import dev.gatun.kernels.Simd;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/*
 * The shared driver of the transcendental maps (Exp, Log): x[n] -> y[n], y may alias x.
 *
 * lanewise(EXP/LOG) is a call into the JDK's SVML stubs. Around such a call C2 re-checks a
 * segment's bounds and liveness on every access, which costs more than the math; staging blocks
 * through a float[] keeps the hot loop on a plain array (measured 1.2-1.7x faster). Each
 * function has its own loop with a constant operator, because lanewise() only becomes the vector
 * stub when C2 sees the operator as a constant.
 */
final class StagedMath {
    enum Fn { EXP, LOG }

    private static final VectorSpecies<Float> F = Simd.FLOATS;
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
                case EXP -> exp(buf, len);
                case LOG -> log(buf, len);
            }
            MemorySegment.copy(buf, 0, y, FLOAT, yb + done * Float.BYTES, len);
        }
    }

    private static void exp(float[] buf, int len) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector.fromArray(F, buf, i).lanewise(VectorOperators.EXP).intoArray(buf, i);
        }
        for (; i < len; i++) {
            buf[i] = (float) Math.exp(buf[i]);
        }
    }

    private static void log(float[] buf, int len) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector.fromArray(F, buf, i).lanewise(VectorOperators.LOG).intoArray(buf, i);
        }
        for (; i < len; i++) {
            buf[i] = (float) Math.log(buf[i]);
        }
    }
}
