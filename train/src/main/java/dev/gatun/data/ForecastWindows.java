package dev.gatun.data;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Next-value forecasting over a series: example i is the window s[from+i .. from+i+window) as
 * features [window, 1] (time steps of one value, the layout a batch-first recurrent layer reads)
 * and the following value s[from+i+window] as the target [1].
 *
 * <p>Windows never reach past {@code to}, so a training set over [0, split) and a test set over
 * [split, end) share no value.
 */
public final class ForecastWindows implements Dataset {
    private final float[] series;
    private final int from;
    private final int window;
    private final int count;

    /**
     * Windows of {@code window} steps over {@code series[from, to)}.
     *
     * @param series the time series
     * @param from the first step used
     * @param to one past the last step used
     * @param window the steps per window
     */
    public ForecastWindows(float[] series, int from, int to, int window) {
        if (from < 0 || to > series.length || from >= to) {
            throw new IllegalArgumentException("forecast windows: range [" + from + ", " + to
                    + ") is not inside the series of length " + series.length);
        }
        if (window <= 0) {
            throw new IllegalArgumentException("forecast windows: window must be > 0, got " + window);
        }
        if (to - from <= window) {
            throw new IllegalArgumentException("forecast windows: range [" + from + ", " + to + ") holds "
                    + (to - from) + " values, too few for one window of " + window + " plus its target");
        }
        this.series = series;
        this.from = from;
        this.window = window;
        this.count = to - from - window;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int[] featureShape() {
        return new int[] {window, 1};
    }

    @Override
    public int classes() {
        return 0;
    }

    @Override
    public DType targetDType() {
        return DType.FLOAT32;
    }

    @Override
    public int[] targetShape() {
        return new int[] {1};
    }

    /** {@return the steps per window} */
    public int window() {
        return window;
    }

    @Override
    public void fill(int[] indices, int start, int n, Tensor features, Tensor labels) {
        if (features.dtype() != DType.FLOAT32 || !features.isContiguous() || features.size() != (long) n * window) {
            throw new IllegalArgumentException("features must be contiguous float32 [" + n + ", " + window
                    + ", 1], got " + features.describe());
        }
        if (labels.dtype() != DType.FLOAT32 || !labels.isContiguous() || labels.size() != n) {
            throw new IllegalArgumentException("targets must be contiguous float32 [" + n + ", 1], got "
                    + labels.describe());
        }
        MemorySegment fs = features.segment();
        MemorySegment ts = labels.segment();
        for (int i = 0; i < n; i++) {
            int idx = indices[start + i];
            if (idx < 0 || idx >= count) {
                throw new IndexOutOfBoundsException("window " + idx + " of " + count);
            }
            int s = from + idx;
            MemorySegment.copy(series, s, fs, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (features.offset() + (long) i * window) * Float.BYTES, window);
            ts.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, labels.offset() + i, series[s + window]);
        }
    }
}
