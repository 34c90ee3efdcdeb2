package dev.gatun.onnx;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What an emitter is given about its layer.
 *
 * @param name the layer's name in messages and node names ({@code layers[2].conv2d})
 * @param values the names of the layer's input values: one, or several for a merge ({@code add},
 *     {@code concat})
 * @param shape one example's input shape (no batch axis), the first input's for a merge
 * @param weights the layer's trained tensors by their own names ({@code weight}, {@code running_var},
 *     {@code weight_ih_l0}; {@code body.0.weight} and {@code projection.weight} in a residual block)
 */
public record LayerInput(String name, List<String> values, int[] shape, Map<String, Tensor> weights) {
    /**
     * A layer of one input.
     *
     * @param name the layer's name
     * @param value the input value's name
     * @param shape one example's input shape
     * @param weights the layer's trained tensors by their own names
     */
    public LayerInput(String name, String value, int[] shape, Map<String, Tensor> weights) {
        this(name, List.of(value), shape, weights);
    }

    /** Copies the input names. */
    public LayerInput {
        values = List.copyOf(values);
    }

    /** {@return the name of the (first) input value} */
    public String value() {
        return values.getFirst();
    }

    /**
     * The float32 values of one of the layer's tensors.
     *
     * @param local the tensor's own name
     * @return its values, row-major
     * @throws UnsupportedLayerException when the tensor is not float32
     */
    public float[] floats(String local) {
        Tensor t = weights.get(local);
        if (t == null) {
            throw new IllegalStateException(name + ": the trained network has no tensor '" + local + "'");
        }
        if (t.dtype() != DType.FLOAT32) {
            throw new UnsupportedLayerException(name, "its " + local + " is " + t.dtype()
                    + "; the export writes float32 graphs");
        }
        return t.toFloatArray();
    }

    /**
     * {@return whether the layer has a tensor of this name}
     *
     * @param local the tensor's own name
     */
    public boolean has(String local) {
        return weights.containsKey(local);
    }
}
