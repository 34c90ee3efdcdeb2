package dev.gatun.onnx;

import dev.gatun.onnx.proto.Onnx.AttributeProto;
import dev.gatun.onnx.proto.Onnx.NodeProto;
import dev.gatun.onnx.proto.Onnx.TensorProto;
import java.util.List;
import java.util.Map;

/** A node of the graph being imported: its attributes with ONNX's defaults and its constant inputs. */
final class OnnxNode {
    private final NodeProto proto;
    private final Map<String, TensorProto> constants;

    OnnxNode(NodeProto proto, Map<String, TensorProto> constants) {
        this.proto = proto;
        this.constants = constants;
    }

    String op() {
        return proto.getOpType();
    }

    /** {@return "node 'name' (Op)", for messages} */
    String describe() {
        return "node " + ImportProblem.quote(proto.getName()) + " (" + ImportProblem.quote(proto.getOpType()) + ")";
    }

    ImportProblem problem(String what) {
        return new ImportProblem(describe() + ": " + what);
    }

    /** Input i's value name, "" when absent. */
    String input(int i) {
        return i < proto.getInputCount() ? proto.getInput(i) : "";
    }

    int inputs() {
        return proto.getInputCount();
    }

    String output(int i) {
        return i < proto.getOutputCount() ? proto.getOutput(i) : "";
    }

    int outputs() {
        return proto.getOutputCount();
    }

    /** Refuses attributes outside {@code known}, so that none that changes the result is ignored. */
    void allowAttributes(String... known) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (!List.of(known).contains(a.getName())) {
                throw problem("attribute " + ImportProblem.quote(a.getName()) + " is not supported");
            }
        }
    }

    /** Refuses more than {@code max} used outputs (a second output such as Dropout's mask). */
    void allowOutputs(int max) {
        for (int i = max; i < proto.getOutputCount(); i++) {
            if (!proto.getOutput(i).isEmpty()) {
                throw problem("output " + i + " (" + ImportProblem.quote(proto.getOutput(i)) + ") is not supported");
            }
        }
    }

    private AttributeProto attribute(String name, AttributeProto.AttributeType type) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(name)) {
                if (a.getType() != type) {
                    throw problem("attribute " + name + " must be " + type + ", got " + a.getType());
                }
                return a;
            }
        }
        return null;
    }

    long integer(String name, long fallback) {
        AttributeProto a = attribute(name, AttributeProto.AttributeType.INT);
        return a == null ? fallback : a.getI();
    }

    float real(String name, float fallback) {
        AttributeProto a = attribute(name, AttributeProto.AttributeType.FLOAT);
        return a == null ? fallback : a.getF();
    }

    String text(String name, String fallback) {
        AttributeProto a = attribute(name, AttributeProto.AttributeType.STRING);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An ints attribute as ints, or null when absent; {@code count} values when count >= 0. */
    int[] ints(String name, int count) {
        AttributeProto a = attribute(name, AttributeProto.AttributeType.INTS);
        if (a == null) {
            return null;
        }
        if (count >= 0 && a.getIntsCount() != count) {
            throw problem("attribute " + name + " must have " + count + " values, got " + a.getIntsCount());
        }
        if (a.getIntsCount() > OnnxTensors.MAX_RANK * 2) {
            throw problem("attribute " + name + " has " + a.getIntsCount() + " values");
        }
        int[] v = new int[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            long x = a.getInts(i);
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                throw problem("attribute " + name + "[" + i + "] = " + x + " is out of range");
            }
            v[i] = (int) x;
        }
        return v;
    }

    boolean isConstant(int i) {
        return !input(i).isEmpty() && constants.containsKey(input(i));
    }

    /** Input i as a float32 constant; {@code role} names it in messages. */
    OnnxTensors.Floats floats(int i, String role) {
        return OnnxTensors.floats(constant(i, role), describe() + " " + role);
    }

    /** Input i as an int64 constant of at most max values. */
    long[] longs(int i, String role, int max) {
        return OnnxTensors.longs(constant(i, role), describe() + " " + role, max);
    }

    private TensorProto constant(int i, String role) {
        String name = input(i);
        TensorProto t = name.isEmpty() ? null : constants.get(name);
        if (t == null) {
            throw problem("its " + role + " (input " + i + (name.isEmpty() ? "" : ", " + ImportProblem.quote(name))
                    + ") must be a constant");
        }
        return t;
    }
}
