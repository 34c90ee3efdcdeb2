package dev.gatun.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.tensor.Scope;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Per-channel statistics against a direct two-pass computation over every pixel of each channel. */
class PerChannelStandardizerTest {
    @Test
    void eachChannelGetsTheMeanAndStdOfAllItsPixels() {
        int n = 2_500; // more than one scan chunk, and not a multiple of it
        int channels = 3;
        int h = 3;
        int w = 5;
        int plane = h * w;
        float[] x = new float[n * channels * plane];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            int c = i % (channels * plane) / plane;
            x[i] = (float) (100 * c + (c + 1) * rng.nextGaussian());
        }
        ArrayDataset data = ArrayDataset.classification(x, new int[] {channels, h, w}, new int[n], 1);
        try (Scope s = Scope.open("test")) {
            Standardizer st = Standardizer.fitPerChannel(data);
            float[] mean = st.mean();
            float[] std = st.std();
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < plane; p++) {
                        sum += x[(i * channels + c) * plane + p];
                    }
                }
                double m = sum / ((double) n * plane);
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < plane; p++) {
                        double d = x[(i * channels + c) * plane + p] - m;
                        sq += d * d;
                    }
                }
                double sd = Math.sqrt(sq / ((double) n * plane));
                for (int p = 0; p < plane; p++) {
                    assertEquals((float) m, mean[c * plane + p], "mean of channel " + c);
                    assertEquals((float) sd, std[c * plane + p], "std of channel " + c);
                }
                assertEquals(c + 1, sd, 0.05);
            }
        }
    }

    @Test
    void flatExamplesHaveNoChannels() {
        ArrayDataset flat = ArrayDataset.classification(new float[12], new int[] {6}, new int[2], 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Standardizer.fitPerChannel(flat));
        assertEquals("per-channel standardization needs image examples [channels, height, width], got [6]",
                e.getMessage());
    }
}
