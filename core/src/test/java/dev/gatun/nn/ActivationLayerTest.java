package dev.gatun.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gatun.backend.UnaryFn;
import dev.gatun.backend.UnaryOp;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Activation layers by name (ActivationTypes): every name resolves, applies its function, and runs on the fake device. */
class ActivationLayerTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    @Test
    void everyNameIsListedOnce() {
        assertEquals(List.of("relu", "sigmoid", "tanh", "gelu", "leaky_relu", "elu", "silu", "swish", "softplus",
                "softmax"), ActivationTypes.names());
        assertEquals(List.of("none", "tanh"), ActivationTypes.type("gelu").optionValues());
        assertEquals("approximate", ActivationTypes.type("gelu").optionKey());
        assertEquals("slope", ActivationTypes.type("leaky_relu").parameter(null).name());
        assertNull(ActivationTypes.type("exp"), "exp is an op, not an activation layer");
    }

    @Test
    void namesResolveToTheirFunctions() {
        assertEquals(UnaryFn.of(UnaryOp.GELU), Activation.of("gelu").function());
        assertEquals(UnaryFn.of(UnaryOp.GELU_TANH), ActivationTypes.layer("gelu", "tanh", Double.NaN).function());
        assertEquals(UnaryFn.of(UnaryOp.SILU), Activation.of("swish").function());
        assertEquals(UnaryFn.of(UnaryOp.LEAKY_RELU, 0.01), Activation.of("leaky_relu").function());
        assertEquals(UnaryFn.of(UnaryOp.ELU, 0.7), ActivationTypes.layer("elu", null, 0.7).function());
        assertNull(Activation.of("softmax").function());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.of("mish"));
        assertEquals("unknown activation 'mish' (known: relu, sigmoid, tanh, gelu, leaky_relu, elu, silu, swish, "
                + "softplus, softmax)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ActivationTypes.layer("gelu", "fast", Double.NaN));
        assertEquals("gelu approximate: unknown 'fast' (known: none, tanh)", e.getMessage());
    }

    @Test
    void everyLayerAppliesItsFunctionOnTheHostAndTheFakeDevice() {
        Tensor x = Tensor.uniform(new SplittableRandom(3), -3, 3, DType.FLOAT32, 5, 7);
        for (String name : ActivationTypes.names()) {
            Activation layer = Activation.of(name);
            float[] expected = layer.function() == null ? x.softmax().toFloatArray() : apply(layer.function(), x);
            float[] host = layer.forward(x).toFloatArray();
            assertArrayEquals(expected, host, 2e-6f, name);
            Tensor onDevice = layer.forward(x.to(Device.fake()));
            assertEquals(Device.fake(), onDevice.device(), name);
            assertArrayEquals(host, onDevice.toFloatArray(), 0f, name + " on the fake device: the CPU kernels");
        }
    }

    @Test
    void softmaxLayerNormalizesTheLastAxis() {
        Tensor x = Tensor.uniform(new SplittableRandom(4), -3, 3, DType.FLOAT64, 2, 3, 4);
        Tensor y = Activation.softmax().forward(x);
        Tensor rowSums = y.sum(2, false);
        for (long i = 0; i < rowSums.size(); i++) {
            assertEquals(1.0, rowSums.getFlat(i), 1e-15);
        }
        assertEquals("softmax", Activation.softmax().toString());
        assertNotNull(new Activation(UnaryOp.GELU).function());
    }

    private static float[] apply(UnaryFn f, Tensor x) {
        float[] in = x.toFloatArray();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (float) f.apply(in[i]);
        }
        return out;
    }
}
