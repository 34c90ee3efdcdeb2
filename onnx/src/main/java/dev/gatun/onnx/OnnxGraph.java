package dev.gatun.onnx;

import com.google.protobuf.ByteString;
import dev.gatun.onnx.proto.Onnx.AttributeProto;
import dev.gatun.onnx.proto.Onnx.GraphProto;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.onnx.proto.Onnx.NodeProto;
import dev.gatun.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gatun.onnx.proto.Onnx.StringStringEntryProto;
import dev.gatun.onnx.proto.Onnx.TensorProto;
import dev.gatun.onnx.proto.Onnx.TensorShapeProto;
import dev.gatun.onnx.proto.Onnx.TypeProto;
import dev.gatun.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph being written: named values, the nodes that compute them and the constant
 * tensors (initializers) they read. Each layer's emitter adds its nodes under the layer's name and
 * gets back the names of the values it produced, so emitters compose by value names alone.
 */
public final class OnnxGraph {
    /** The opset the exported models import: 20 has Gelu and every op the emitters use. */
    public static final int OPSET = 20;
    /** The IR version that goes with {@link #OPSET}. */
    public static final long IR_VERSION = 9;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    // A recurrent layer's output sequence → its last layer's final hidden state [D, B, H].
    private final Map<String, String> finalStates = new HashMap<>();

    /**
     * An empty graph.
     *
     * @param name the graph's name
     */
    public OnnxGraph(String name) {
        graph.setName(name);
    }

    /**
     * A value name not used yet, from {@code hint}.
     *
     * @param hint the preferred name
     * @return hint, or hint with a number appended
     */
    public String fresh(String hint) {
        String name = hint;
        for (int i = 1; !names.add(name); i++) {
            name = hint + "_" + i;
        }
        return name;
    }

    /**
     * Adds a float32 constant.
     *
     * @param hint the preferred name
     * @param values the values, row-major
     * @param dims the shape
     * @return the constant's value name
     */
    public String floats(String hint, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        String name = fresh(hint);
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /**
     * Adds an int64 constant (shapes, axes).
     *
     * @param hint the preferred name
     * @param values the values, a 1-D tensor
     * @return the constant's value name
     */
    public String longs(String hint, long... values) {
        String name = fresh(hint);
        TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64, values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    private static TensorProto.Builder tensor(String name, TensorProto.DataType type, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /**
     * Adds a node with one output.
     *
     * @param op the ONNX op type
     * @param name the node's name (also the hint for its output's name)
     * @param inputs the input value names ("" for an omitted optional input)
     * @param attributes the attributes: Long, Double/Float, String, long[] or float[] values
     * @return the output's value name
     */
    public String node(String op, String name, List<String> inputs, Map<String, Object> attributes) {
        return nodeWithOutputs(op, name, inputs, attributes, 1)[0];
    }

    /**
     * Adds a node with several outputs.
     *
     * @param op the ONNX op type
     * @param name the node's name
     * @param inputs the input value names ("" for an omitted optional input)
     * @param attributes the attributes, as for {@link #node}
     * @param outputs how many outputs
     * @return the outputs' value names
     */
    public String[] nodeWithOutputs(String op, String name, List<String> inputs, Map<String, Object> attributes,
                                    int outputs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh("node:" + name)).addAllInput(inputs);
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = fresh(outputs == 1 ? name : name + ":" + i);
            n.addOutput(out[i]);
        }
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> n.addAttribute(attribute(e.getKey(), e.getValue())));
        graph.addNode(n);
        return out;
    }

    private static AttributeProto attribute(String key, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(key);
        switch (value) {
            case Long l -> a.setType(AttributeProto.AttributeType.INT).setI(l);
            case Integer i -> a.setType(AttributeProto.AttributeType.INT).setI(i);
            case Double d -> a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
            case Float f -> a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            case String s -> a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            case long[] v -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (long x : v) {
                    a.addInts(x);
                }
            }
            case int[] v -> {
                a.setType(AttributeProto.AttributeType.INTS);
                for (int x : v) {
                    a.addInts(x);
                }
            }
            case float[] v -> {
                a.setType(AttributeProto.AttributeType.FLOATS);
                for (float x : v) {
                    a.addFloats(x);
                }
            }
            case String[] v -> {
                a.setType(AttributeProto.AttributeType.STRINGS);
                for (String x : v) {
                    a.addStrings(ByteString.copyFromUtf8(x));
                }
            }
            default -> throw new IllegalArgumentException("attribute " + key + ": unsupported value " + value);
        }
        return a.build();
    }

    /**
     * Records the final hidden state [directions, batch, hidden] that goes with a recurrent layer's
     * output sequence, for a head that reads the last state ({@code last_state}).
     *
     * @param sequence the output sequence's value name
     * @param state the final state's value name
     */
    public void recordFinalState(String sequence, String state) {
        finalStates.put(sequence, state);
    }

    /**
     * {@return the final hidden state recorded for a recurrent layer's output sequence, or null}
     *
     * @param sequence the output sequence's value name
     */
    public String finalState(String sequence) {
        return finalStates.get(sequence);
    }

    /**
     * Declares a float32 graph input whose first axis (the batch) is symbolic.
     *
     * @param hint the preferred name
     * @param example one example's shape
     * @return the input's value name
     */
    public String input(String hint, int[] example) {
        String name = fresh(hint);
        graph.addInput(value(name, example));
        return name;
    }

    /**
     * Declares a value as a float32 graph output.
     *
     * @param value the value's name
     * @param example one example's shape, or null when unknown
     */
    public void output(String value, int[] example) {
        graph.addOutput(value(value, example));
    }

    private static ValueInfoProto value(String name, int[] example) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber());
        if (example != null) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
            for (int d : example) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            t.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    /** The model holding this graph, with these metadata properties. */
    ModelProto model(Map<String, String> metadata) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("gatun")
                .setProducerVersion("1").addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }
}
