package dev.gatun.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** roundToHalf on every backend (scalar, cpu, the fake device) against HalfBits, strided inputs included. */
class RoundToHalfTest {
    private static float[] values(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 5 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextDouble(-1, 1) * Math.pow(2, r.nextInt(-30, 20)));
        }
        v[1] = 70000f;
        v[2] = Float.NaN;
        return v;
    }

    private static void check(Precision p, float[] source, float[] actual, String what) {
        for (int i = 0; i < source.length; i++) {
            float e = p == Precision.BF16 ? HalfBits.roundToBf16(source[i]) : HalfBits.roundToFp16(source[i]);
            assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(actual[i]), what + " element " + i + " of " + source[i]);
        }
    }

    @Test
    void everyBackendRoundsAsHalfBits() {
        for (String name : new String[] {"scalar", "cpu"}) {
            Backend be = BackendRegistry.create(name);
            for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
                try (Scope s = Scope.open("test")) {
                    float[] v = values(1, 7 * 13);
                    Tensor x = Tensor.of(v, 7, 13);
                    Tensor y = Tensor.zeros(DType.FLOAT32, 7, 13);
                    be.roundToHalf(p, x, y);
                    check(p, v, y.toFloatArray(), name + " " + p);
                    Tensor xt = x.t();
                    Tensor yt = Tensor.zeros(DType.FLOAT32, 13, 7);
                    be.roundToHalf(p, xt, yt);
                    check(p, xt.contiguous().toFloatArray(), yt.toFloatArray(), name + " " + p + " transposed");
                    be.roundToHalf(p, x, x);
                    check(p, v, x.toFloatArray(), name + " " + p + " in place");
                }
            }
        }
    }

    @Test
    void onTheFakeDeviceThroughTwoCastKernelsWithoutAHostCopy() {
        DeviceRuntime runtime = DeviceRuntimes.of(Device.fake());
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            try (Scope s = Scope.open("test")) {
                float[] v = values(2, 7 * 13);
                Tensor x = Tensor.of(v, 7, 13).to(Device.fake());
                Tensor y = x.newEmpty(7, 13);
                Tensor xt = x.t();
                Tensor yt = x.newEmpty(13, 7);
                Tensor inPlace = Tensor.of(v, 7, 13).to(Device.fake());
                Backend be = BackendRegistry.of(x);
                // A host copy or sync inside a capture throws: recording the rounding proves it stays on the device.
                runtime.beginCapture();
                try {
                    be.roundToHalf(p, x, y);
                    be.roundToHalf(p, xt, yt);
                    be.roundToHalf(p, inPlace, inPlace);
                } catch (RuntimeException e) {
                    runtime.abortCapture();
                    throw e;
                }
                try (DeviceGraph graph = runtime.endCapture()) {
                    assertEquals(6, graph.operations(), "two casts per rounding: " + graph);
                    // The replay runs after the temporaries' scopes closed, on their capture-pool memory.
                    graph.launch();
                }
                assertEquals(Device.fake(), y.device());
                check(p, v, y.toFloatArray(), "fake " + p);
                check(p, Tensor.of(v, 7, 13).t().contiguous().toFloatArray(), yt.toFloatArray(), "fake " + p + " transposed");
                check(p, v, inPlace.toFloatArray(), "fake " + p + " in place");
            }
        }
    }

    @Test
    void rejectsOtherDTypesAndPrecisions() {
        Backend be = BackendRegistry.create("cpu");
        try (Scope s = Scope.open("test")) {
            Tensor x = Tensor.zeros(DType.FLOAT32, 3);
            Tensor d = Tensor.zeros(DType.FLOAT64, 3);
            assertThrows(IllegalArgumentException.class, () -> be.roundToHalf(Precision.FP32, x, x));
            assertThrows(IllegalArgumentException.class, () -> be.roundToHalf(Precision.TF32, x, x));
            assertThrows(IllegalArgumentException.class, () -> be.roundToHalf(Precision.BF16, d, d));
            assertThrows(IllegalArgumentException.class,
                    () -> be.roundToHalf(Precision.BF16, x, Tensor.zeros(DType.FLOAT32, 4)));
        }
    }
}
