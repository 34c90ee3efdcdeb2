package dev.gatun.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.Precision;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.ops.Autocast;
import dev.gatun.ops.Losses;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LossScalerTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /**
     * Every sequence of up to 10 finite/overflowing steps against the closed form: each maximal run
     * of finite steps between overflows grows the scale floor(run / interval) times, each overflow
     * halves it, and the good-step count is the last run's length mod interval.
     */
    @Test
    void stateMachineOnEverySequence() {
        int interval = 3;
        for (int length = 0; length <= 10; length++) {
            for (int bits = 0; bits < 1 << length; bits++) {
                LossScaler s = new LossScaler(1024, 2, 0.5, interval);
                int growths = 0;
                int skips = 0;
                int run = 0;
                for (int i = 0; i < length; i++) {
                    boolean finite = (bits >> i & 1) == 1;
                    s.update(finite);
                    if (finite) {
                        run++;
                    } else {
                        growths += run / interval;
                        skips++;
                        run = 0;
                    }
                }
                growths += run / interval;
                String what = "sequence " + Integer.toBinaryString(bits) + " of " + length;
                assertEquals(1024 * Math.pow(2, growths - skips), s.scale(), what);
                assertEquals(run % interval, s.goodSteps(), what);
                assertEquals(skips, s.skippedSteps(), what);
            }
        }
    }

    @Test
    void defaultsArePyTorchs() {
        LossScaler s = new LossScaler();
        assertEquals(65536, s.scale());
        for (int i = 0; i < 1999; i++) {
            s.update(true);
        }
        assertEquals(65536, s.scale(), "no growth before 2000 finite steps");
        s.update(true);
        assertEquals(131072, s.scale(), "×2 after 2000");
        for (int i = 0; i < 1999; i++) {
            s.update(true);
        }
        s.update(false);
        assertEquals(65536, s.scale(), "×0.5 on an overflow, and the 1999 good steps are forgotten");
        s.update(true);
        assertEquals(1, s.goodSteps());
    }

    private static Map<String, float[]> snapshot(Linear layer, Optimizer opt) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : layer.parameters()) {
            m.put(p.name(), p.tensor().toFloatArray());
        }
        opt.stateTensors().forEach((k, t) -> m.put("state " + k, t.toFloatArray()));
        return m;
    }

    private static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> {
            float[] a = actual.get(k);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(a[i]), k + "[" + i + "]");
            }
        });
    }

    @Test
    void aSkippedStepLeavesWeightsAndOptimizerStateBitIdentical() {
        Linear layer = new Linear(4, 3, new SplittableRandom(1));
        Adam adam = new Adam(layer.parameters(), 0.01);
        LossScaler scaler = new LossScaler(8, 2, 0.5, 100);
        Tensor x = Tensor.uniform(2, -1, 1, DType.FLOAT32, 5, 4);
        Tensor labels = Tensor.of(new int[] {0, 1, 2, 1, 0}, 5);
        scaler.scaleLoss(Losses.crossEntropy(layer.forward(x), labels)).backward();
        assertTrue(scaler.step(adam));
        Map<String, float[]> before = snapshot(layer, adam);
        int steps = adam.stepCount();
        for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NaN}) {
            adam.zeroGrad();
            scaler.scaleLoss(Losses.crossEntropy(layer.forward(x), labels)).backward();
            layer.weight().grad().copyFrom(Tensor.of(new float[] {1, 2, bad, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4));
            assertFalse(scaler.step(adam), "skipped on " + bad);
            assertSameBits(before, snapshot(layer, adam));
            assertEquals(steps, adam.stepCount());
        }
        assertEquals(2, scaler.skippedSteps());
        assertEquals(2, scaler.scale());
    }

    @Test
    void finiteStepsAreExactlyTheUnscaledOnes() {
        Linear plain = new Linear(4, 3, new SplittableRandom(3));
        Linear scaled = new Linear(4, 3, new SplittableRandom(3));
        Sgd a = new Sgd(plain.parameters(), 0.1, 0.9, 0, 0, false);
        Sgd b = new Sgd(scaled.parameters(), 0.1, 0.9, 0, 0, false);
        b.clipGradNorm(0.5);
        a.clipGradNorm(0.5);
        LossScaler scaler = new LossScaler(1024, 2, 0.5, 2);
        for (int step = 0; step < 5; step++) {
            Tensor x = Tensor.uniform(10 + step, -1, 1, DType.FLOAT32, 6, 4);
            Tensor labels = Tensor.of(new int[] {0, 1, 2, 1, 0, 2}, 6);
            a.zeroGrad();
            Losses.crossEntropy(plain.forward(x), labels).backward();
            a.step();
            b.zeroGrad();
            scaler.scaleLoss(Losses.crossEntropy(scaled.forward(x), labels)).backward();
            assertTrue(scaler.step(b));
        }
        assertSameBits(snapshot(plain, a), snapshot(scaled, b));
        assertEquals(a.lastGradNorm(), b.lastGradNorm(), "clipping saw the unscaled gradients");
        assertEquals(4096, scaler.scale(), "grew twice in five finite steps of interval 2");
    }

    /** Regression with a loss so small that its fp16 gradients are below 2^-24: they vanish unscaled. */
    private static double fp16Training(LossScaler scalerOrNull, Precision precision) {
        Linear layer = new Linear(4, 1, new SplittableRandom(5));
        layer.to(Device.fake());
        Sgd sgd = new Sgd(layer.parameters(), 2e8);
        Tensor x = Tensor.uniform(6, -1, 1, DType.FLOAT32, 16, 4).to(Device.fake());
        Tensor target = Tensor.uniform(7, -1, 1, DType.FLOAT32, 16, 1).to(Device.fake());
        double last = Double.NaN;
        for (int step = 0; step < 30; step++) {
            try (Scope s = Scope.open("step")) {
                Tensor loss;
                try (Autocast a = Autocast.enable(precision)) {
                    loss = Losses.mse(layer.forward(x), target).mul(1e-9);
                }
                sgd.zeroGrad();
                if (scalerOrNull == null) {
                    loss.backward();
                    sgd.step();
                } else {
                    scalerOrNull.scaleLoss(loss).backward();
                    scalerOrNull.step(sgd);
                }
                last = loss.item() / 1e-9;
            }
        }
        return last;
    }

    @Test
    void fp16GradientsUnderflowWithoutScalingAndTrainWithIt() {
        double start;
        try (Scope s = Scope.open("start")) {
            Linear layer = new Linear(4, 1, new SplittableRandom(5));
            Tensor x = Tensor.uniform(6, -1, 1, DType.FLOAT32, 16, 4);
            Tensor target = Tensor.uniform(7, -1, 1, DType.FLOAT32, 16, 1);
            start = Losses.mse(layer.forward(x), target).item();
        }
        double fp32 = fp16Training(null, Precision.FP32);
        double unscaled = fp16Training(null, Precision.FP16);
        LossScaler scaler = new LossScaler();
        double scaled = fp16Training(scaler, Precision.FP16);
        assertTrue(fp32 < 0.5 * start, "float32 learns: " + start + " -> " + fp32);
        assertEquals(start, unscaled, 1e-3 * start, "fp16 without scaling: every gradient rounded to 0");
        assertTrue(scaled < 0.5 * start, "fp16 with scaling learns: " + start + " -> " + scaled);
        assertEquals(fp32, scaled, 0.05 * fp32, "and about as well as float32");
        assertEquals(0, scaler.skippedSteps());
    }

    @Test
    void overflowingGradientsBackOffUntilFinite() {
        Linear layer = new Linear(8, 3, new SplittableRandom(8));
        Sgd sgd = new Sgd(layer.parameters(), 0.1);
        LossScaler scaler = new LossScaler(0x1p30, 2, 0.5, 2000);
        Tensor x = Tensor.uniform(9, -4, 4, DType.FLOAT32, 32, 8);
        Tensor labels = Tensor.uniform(10, 0, 2.99, DType.FLOAT32, 32).to(DType.INT32);
        float[] start = layer.weight().tensor().toFloatArray();
        int stepped = 0;
        for (int step = 0; step < 30 && stepped == 0; step++) {
            try (Scope s = Scope.open("step")) {
                Tensor loss;
                try (Autocast a = Autocast.enable(Precision.FP16)) {
                    loss = Losses.crossEntropy(layer.forward(x), labels);
                }
                sgd.zeroGrad();
                scaler.scaleLoss(loss).backward();
                if (scaler.step(sgd)) {
                    stepped++;
                } else {
                    assertArrayEquals(start, layer.weight().tensor().toFloatArray(), "skipped step " + step);
                }
            }
        }
        assertEquals(1, stepped);
        assertTrue(scaler.skippedSteps() >= 10, "2^30 times gradients of order 1 overflow float16's 65504: "
                + scaler.skippedSteps() + " skips");
        assertEquals(0x1p30 / Math.pow(2, scaler.skippedSteps()), scaler.scale());
        assertNotEquals(start[0], layer.weight().tensor().toFloatArray()[0]);
    }

    @Test
    void stateRoundTripsAndIsChecked() {
        LossScaler a = new LossScaler(256, 2, 0.5, 4);
        a.update(true);
        a.update(false);
        a.update(true);
        a.update(true);
        LossScaler b = new LossScaler(256, 2, 0.5, 4);
        b.restore(a.state());
        assertEquals(a.state(), b.state());
        for (int i = 0; i < 3; i++) {
            a.update(true);
            b.update(true);
        }
        assertEquals(256, b.scale(), "continues with the saved run of good steps");
        assertEquals(a.state(), b.state());
        assertThrows(IllegalArgumentException.class, () -> b.restore(Map.of("scale", 1.0, "good_steps", 0.0)));
        assertThrows(IllegalArgumentException.class,
                () -> b.restore(Map.of("scale", -1.0, "good_steps", 0.0, "skipped_steps", 0.0)));
        assertThrows(IllegalArgumentException.class,
                () -> b.restore(Map.of("scale", 1.0, "good_steps", 4.0, "skipped_steps", 0.0)));
        assertEquals(256, b.scale(), "a rejected state changes nothing");
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(0, 2, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(1, 1, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(1, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(1, 2, 0.5, 0));
    }
}
