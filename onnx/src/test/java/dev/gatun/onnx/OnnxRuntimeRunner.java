package dev.gatun.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/** Runs an exported model in onnxruntime (its Java API) and compares outputs with Gatun's. */
final class OnnxRuntimeRunner {
    /** The largest difference allowed, relative to the largest magnitude of Gatun's output. */
    static final double RELATIVE = 1e-5;

    private OnnxRuntimeRunner() {}

    /**
     * The model's output for a batch.
     *
     * @param model the ONNX model
     * @param x the batch, row-major
     * @param shape the batch's shape, batch axis first
     * @return the output, row-major
     */
    static float[] run(ModelProto model, float[] x, long... shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toByteArray(), options);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of("input", input))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer b = out.getFloatBuffer();
                float[] values = new float[b.remaining()];
                b.get(values);
                return values;
            }
        }
    }

    /**
     * Asserts every element of {@code actual} within {@link #RELATIVE} of {@code expected}, relative
     * to the largest magnitude in {@code expected} (element-wise relative error is meaningless
     * where a sum cancels to near zero).
     *
     * @param what what is compared, for the message
     * @param expected Gatun's output
     * @param actual onnxruntime's
     */
    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": output sizes");
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertTrue(scale > 0, what + ": Gatun's output is all zeros, which would compare nothing");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            assertTrue(Double.isFinite(actual[i]), what + ": onnxruntime gave " + actual[i] + " at " + i);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= RELATIVE * scale, what + ": largest difference " + worst + " at " + at + " (Gatun "
                + (at < 0 ? "" : expected[at]) + ", onnxruntime " + (at < 0 ? "" : actual[at]) + ") exceeds "
                + RELATIVE + " of " + scale + "; first values " + Arrays.toString(Arrays.copyOf(actual, 4)));
    }
}
