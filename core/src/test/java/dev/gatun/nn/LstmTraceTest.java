package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LstmTrace against the layer's own fused forward pass and a double-precision reference. */
class LstmTraceTest {
    private Scope scope;
    private final SplittableRandom rng = new SplittableRandom(23);

    @BeforeEach
    void open() {
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void hiddenStatesEqualTheLayersOutputBitForBit() {
        LSTM lstm = new LSTM(5, 7, 1, false, false, DType.FLOAT32, rng);
        Tensor x = Tensor.uniform(rng, -2, 2, DType.FLOAT32, 9, 3, 5);
        RecurrentOutput real = lstm.forward(x, null, null);
        LstmTrace trace = LstmTrace.of(lstm, x);
        assertEquals(1, trace.directions().size());
        LstmTrace.Direction d = trace.top();
        assertArrayEquals(new int[] {9, 3, 7}, d.hidden().shape());
        assertArrayEquals(real.output().contiguous().toFloatArray(), d.hidden().toFloatArray());
        assertArrayEquals(real.cN().toFloatArray(), d.state().slice(0, 8, 9).contiguous().toFloatArray());
    }

    @Test
    void batchFirstStackedBidirectionalLayersMatchToo() {
        LSTM lstm = new LSTM(3, 5, 2, true, true, DType.FLOAT32, rng);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 4, 11, 3);
        RecurrentOutput real = lstm.forward(x, null, null);
        LstmTrace trace = LstmTrace.of(lstm, x);
        assertEquals(4, trace.directions().size());
        // The output is the top layer's two directions, concatenated, batch-first.
        float[] out = real.output().contiguous().toFloatArray();
        float[] forward = trace.directions().get(2).hidden().toFloatArray();
        float[] backward = trace.directions().get(3).hidden().toFloatArray();
        assertTrue(trace.directions().get(3).reverse());
        assertEquals(trace.directions().get(2), trace.top());
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 11; t++) {
                for (int j = 0; j < 5; j++) {
                    int o = (b * 11 + t) * 10;
                    int s = (t * 4 + b) * 5 + j;
                    assertEquals(Float.floatToIntBits(out[o + j]), Float.floatToIntBits(forward[s]), "forward " + b + "," + t);
                    assertEquals(Float.floatToIntBits(out[o + 5 + j]), Float.floatToIntBits(backward[s]),
                            "reverse " + b + "," + t);
                }
            }
        }
        // Final states: [layer·direction, B, H]; the reverse direction ends at time 0.
        float[] hN = real.hN().toFloatArray();
        for (int d = 0; d < 4; d++) {
            LstmTrace.Direction dir = trace.directions().get(d);
            int t = dir.reverse() ? 0 : 10;
            assertArrayEquals(java.util.Arrays.copyOfRange(hN, d * 20, d * 20 + 20),
                    dir.hidden().slice(0, t, t + 1).contiguous().toFloatArray(), "hN of " + d);
        }
    }

    @Test
    void aBatchLargeEnoughToSplitOverThreadsStillMatches() {
        LSTM lstm = new LSTM(13, 67, 1, false, true, DType.FLOAT32, rng);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 61, 6, 13);
        float[] real = lstm.forward(x).transpose(0, 1).contiguous().toFloatArray();
        assertArrayEquals(real, LstmTrace.of(lstm, x).top().hidden().toFloatArray());
    }

    @Test
    void gatesAndStatesFollowTheLstmEquations() {
        int in = 4;
        int hidden = 3;
        int steps = 6;
        int batch = 2;
        LSTM lstm = new LSTM(in, hidden, 1, false, false, DType.FLOAT64, rng);
        Tensor x = Tensor.uniform(rng, -1.5, 1.5, DType.FLOAT64, steps, batch, in);
        LstmTrace.Direction d = LstmTrace.of(lstm, x).top();
        double[] wih = lstm.parameters().get(0).tensor().toDoubleArray();
        double[] whh = lstm.parameters().get(1).tensor().toDoubleArray();
        double[] bih = lstm.parameters().get(2).tensor().toDoubleArray();
        double[] bhh = lstm.parameters().get(3).tensor().toDoubleArray();
        double[] xs = x.toDoubleArray();
        double[][] traced = {d.input().toDoubleArray(), d.forget().toDoubleArray(), d.cell().toDoubleArray(),
            d.output().toDoubleArray()};
        double[] c = d.state().toDoubleArray();
        double[] h = d.hidden().toDoubleArray();
        for (int b = 0; b < batch; b++) {
            double[] hPrev = new double[hidden];
            double[] cPrev = new double[hidden];
            for (int t = 0; t < steps; t++) {
                double[] hNext = new double[hidden];
                double[] cNext = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    double[] act = new double[4];
                    for (int gate = 0; gate < 4; gate++) {
                        int row = gate * hidden + j;
                        double z = bih[row] + bhh[row];
                        for (int k = 0; k < in; k++) {
                            z += xs[(t * batch + b) * in + k] * wih[row * in + k];
                        }
                        for (int k = 0; k < hidden; k++) {
                            z += hPrev[k] * whh[row * hidden + k];
                        }
                        act[gate] = gate == 2 ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
                        assertEquals(act[gate], traced[gate][(t * batch + b) * hidden + j], 1e-12,
                                "gate " + "ifgo".charAt(gate) + " at t=" + t + ", unit " + j);
                    }
                    cNext[j] = act[1] * cPrev[j] + act[0] * act[2];
                    hNext[j] = act[3] * Math.tanh(cNext[j]);
                    assertEquals(cNext[j], c[(t * batch + b) * hidden + j], 1e-12, "c at t=" + t);
                    assertEquals(hNext[j], h[(t * batch + b) * hidden + j], 1e-12, "h at t=" + t);
                }
                hPrev = hNext;
                cPrev = cNext;
            }
        }
        assertArrayEquals(lstm.forward(x).toDoubleArray(), h);
    }

    @Test
    void traceRecordsNoGraph() {
        LSTM lstm = new LSTM(2, 3, rng);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 3, 1, 2);
        LstmTrace.Direction d = LstmTrace.of(lstm, x).top();
        assertFalse(d.hidden().requiresGrad());
        assertFalse(d.input().requiresGrad());
    }

    @Test
    void badInputIsNamed() {
        LSTM lstm = new LSTM(5, 3, 1, false, true, DType.FLOAT32, rng);
        IllegalArgumentException wrongFeatures = assertThrows(IllegalArgumentException.class,
                () -> LstmTrace.of(lstm, Tensor.zeros(DType.FLOAT32, 2, 4, 6)));
        assertTrue(wrongFeatures.getMessage().contains("LSTM(5, 3, batchFirst) takes [batch, T, 5]"),
                wrongFeatures.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> LstmTrace.of(lstm, Tensor.zeros(DType.FLOAT64, 2, 4, 5)));
        assertTrue(wrongType.getMessage().contains("FLOAT64"), wrongType.getMessage());
    }
}
