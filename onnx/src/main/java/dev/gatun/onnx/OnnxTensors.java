package dev.gatun.onnx;

import dev.gatun.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The values of an ONNX constant tensor, checked against its declared type and shape before any
 * array is allocated: the shape comes from the file, so its size must match the bytes the file
 * really holds for it, which bounds every allocation by the file's own size.
 */
final class OnnxTensors {
    /** The most dimensions a constant may have. */
    static final int MAX_RANK = 8;

    private OnnxTensors() {}

    /** A constant's float32 values and shape. */
    record Floats(float[] values, int[] shape) {
        int dim(int i) {
            return shape[i];
        }
    }

    /** The shape of a constant, each dimension >= 0, its size within an int. */
    static int[] shape(TensorProto t, String what) {
        if (t.getDimsCount() > MAX_RANK) {
            throw new ImportProblem(what + " has " + t.getDimsCount() + " dimensions, more than " + MAX_RANK);
        }
        int[] shape = new int[t.getDimsCount()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new ImportProblem(what + " has dimension " + i + " = " + d);
            }
            shape[i] = (int) d;
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new ImportProblem(what + " has more than 2^31 values");
            }
        }
        return shape;
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static void checkStored(TensorProto t, String what) {
        if (t.hasDataLocation() && t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new ImportProblem(what + " is stored in an external file, which the importer does not read");
        }
        if (t.hasSegment()) {
            throw new ImportProblem(what + " is a segment of a tensor, which the importer does not read");
        }
    }

    /** A float32 constant. */
    static Floats floats(TensorProto t, String what) {
        checkStored(t, what);
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new ImportProblem(what + " has data type " + t.getDataType() + "; the importer reads float32 ("
                    + TensorProto.DataType.FLOAT.getNumber() + ") weights");
        }
        int[] shape = shape(t, what);
        int n = size(shape);
        float[] v;
        if (t.hasRawData()) {
            if (t.getRawData().size() != (long) n * Float.BYTES) {
                throw new ImportProblem(what + " holds " + t.getRawData().size() + " bytes for " + n
                        + " float32 values");
            }
            v = new float[n];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        } else {
            if (t.getFloatDataCount() != n) {
                throw new ImportProblem(what + " holds " + t.getFloatDataCount() + " values for its shape of " + n);
            }
            v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = t.getFloatData(i);
            }
        }
        return new Floats(v, shape);
    }

    /** An int64 constant of at most {@code max} values (shapes, axes). */
    static long[] longs(TensorProto t, String what, int max) {
        checkStored(t, what);
        if (t.getDataType() != TensorProto.DataType.INT64.getNumber()) {
            throw new ImportProblem(what + " has data type " + t.getDataType() + ", expected int64 ("
                    + TensorProto.DataType.INT64.getNumber() + ")");
        }
        int n = size(shape(t, what));
        if (n > max) {
            throw new ImportProblem(what + " has " + n + " values, expected at most " + max);
        }
        long[] v = new long[n];
        if (t.hasRawData()) {
            if (t.getRawData().size() != (long) n * Long.BYTES) {
                throw new ImportProblem(what + " holds " + t.getRawData().size() + " bytes for " + n + " int64 values");
            }
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                v[i] = b.getLong();
            }
        } else {
            if (t.getInt64DataCount() != n) {
                throw new ImportProblem(what + " holds " + t.getInt64DataCount() + " values for its shape of " + n);
            }
            for (int i = 0; i < n; i++) {
                v[i] = t.getInt64Data(i);
            }
        }
        return v;
    }
}
