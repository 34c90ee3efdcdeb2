package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading file dtypes into other Gatun dtypes: exact conversions load, the first inexact value
 * is refused by name, dtype, value and index before anything changes; PyTorch's batch counter.
 */
class SafetensorsConversionTest {
    @TempDir
    Path dir;

    /** One tensor of a hand-built file: its safetensors code, shape and little-endian bytes. */
    private record Raw(String name, String code, int[] shape, byte[] data) {}

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Raw i64(String name, long... v) {
        ByteBuffer b = le(8 * v.length);
        Arrays.stream(v).forEach(b::putLong);
        return new Raw(name, "I64", new int[] {v.length}, b.array());
    }

    private static Raw f64(String name, double... v) {
        ByteBuffer b = le(8 * v.length);
        Arrays.stream(v).forEach(b::putDouble);
        return new Raw(name, "F64", new int[] {v.length}, b.array());
    }

    private static Raw f32(String name, Tensor t) {
        ByteBuffer b = le(4 * (int) t.size());
        for (float v : t.toFloatArray()) {
            b.putFloat(v);
        }
        return new Raw(name, "F32", t.shape(), b.array());
    }

    private static Raw scalar(String name, String code, byte[] data) {
        return new Raw(name, code, new int[0], data);
    }

    /** A file of {@code tensors} in the given order. */
    private Path write(List<Raw> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Raw r : tensors) {
            header.append(header.length() > 1 ? "," : "").append(SafetensorsWriter.json(r.name())).append(":{\"dtype\":\"")
                    .append(r.code()).append("\",\"shape\":").append(Arrays.toString(r.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(data.size()).append(',')
                    .append(data.size() + r.data().length).append("]}");
            data.write(r.data());
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        Path f = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(f, le(8 + h.length + data.size()).putLong(h.length).put(h).put(data.toByteArray()).array());
        return f;
    }

    private Path write(Raw... tensors) throws IOException {
        return write(List.of(tensors));
    }

    private static String refusal(BufferModule m, Path f) {
        return assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.loadInto(m, f)).getMessage();
    }

    private static BufferModule buffer(Tensor x) {
        return new BufferModule(Map.of("x", x));
    }

    @Test
    void int64LoadsIntoFloat32OnlyWhereEveryValueIsExact() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(s, DType.FLOAT32, 6);
            BufferModule m = buffer(x);
            SafetensorsReader.loadInto(m, write(i64("x", 0, -16777216, 16777216, 1L << 40, Long.MIN_VALUE, 255)));
            assertArrayEquals(new float[] {0, -0x1p24f, 0x1p24f, 0x1p40f, -0x1p63f, 255}, x.toFloatArray());
            String e = refusal(m, write(i64("x", 1, 16777217, 3, 4, 5, 6)));
            assertTrue(e.endsWith("tensor 'x' is I64 in the file; its value 16777217 at index [1] has no exact float32"
                    + " value"), e);
            // Long.MAX_VALUE rounds to 2^63, which converts back to Long.MAX_VALUE: still refused.
            e = refusal(m, write(i64("x", 0, 0, 0, 0, 0, Long.MAX_VALUE)));
            assertTrue(e.contains("its value 9223372036854775807 at index [5] has no exact float32 value"), e);
            assertArrayEquals(new float[] {0, -0x1p24f, 0x1p24f, 0x1p40f, -0x1p63f, 255}, x.toFloatArray(),
                    "a refused file changes nothing");
        }
    }

    @Test
    void int64LoadsIntoFloat64OnlyWhereEveryValueIsExact() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(s, DType.FLOAT64, 3);
            BufferModule m = buffer(x);
            SafetensorsReader.loadInto(m, write(i64("x", 16777217, (1L << 53) - 1, Long.MIN_VALUE)));
            assertArrayEquals(new double[] {16777217, 0x1p53 - 1, -0x1p63}, x.toDoubleArray());
            String e = refusal(m, write(i64("x", 0, (1L << 53) + 1, 0)));
            assertTrue(e.contains("tensor 'x' is I64 in the file; its value 9007199254740993 at index [1] has no exact"
                    + " float64 value"), e);
        }
    }

    @Test
    void float64LoadsIntoFloat32OnlyWhereEveryValueIsExact() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(s, DType.FLOAT32, 5);
            BufferModule m = buffer(x);
            SafetensorsReader.loadInto(m, write(f64("x", 0.5, -0.0, Double.NEGATIVE_INFINITY, Double.NaN, 0x1p-149)));
            assertArrayEquals(new float[] {0.5f, -0.0f, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE},
                    x.toFloatArray());
            String e = refusal(m, write(f64("x", 0.5, 0.5, 0.5, 0.1, 0.5)));
            assertTrue(e.endsWith("tensor 'x' is F64 in the file; its value 0.1 at index [3] has no exact float32 value"),
                    e);
            assertTrue(refusal(m, write(f64("x", 1e300, 0, 0, 0, 0))).contains("its value 1.0E300 at index [0]"));
            assertTrue(refusal(m, write(f64("x", 0x1p-150, 0, 0, 0, 0))).contains("its value 7.006492321624085E-46"));
        }
    }

    @Test
    void float32WidensIntoFloat64Models() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor src = Tensor.uniform(5, -1, 1, DType.FLOAT32, 2, 3);
            Tensor x = Tensor.zeros(s, DType.FLOAT64, 2, 3);
            SafetensorsReader.loadInto(buffer(x), write(f32("x", src)));
            float[] want = src.toFloatArray();
            double[] got = x.toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0.0);
            }
        }
    }

    @Test
    void int32LoadsIntoFloat32OnlyWhereExact() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(s, DType.FLOAT32, 2);
            ByteBuffer ok = le(8).putInt(Integer.MIN_VALUE).putInt(-16777216);
            SafetensorsReader.loadInto(buffer(x), write(new Raw("x", "I32", new int[] {2}, ok.array())));
            assertArrayEquals(new float[] {-0x1p31f, -0x1p24f}, x.toFloatArray());
            ByteBuffer bad = le(8).putInt(0).putInt(Integer.MAX_VALUE);
            assertTrue(refusal(buffer(x), write(new Raw("x", "I32", new int[] {2}, bad.array())))
                    .contains("tensor 'x' is I32 in the file; its value 2147483647 at index [1] has no exact float32"));
        }
    }

    @Test
    void readGivesInt64AsInt32OnlyWhenEveryValueFits() throws IOException {
        try (Scope s = Scope.open()) {
            Tensor t = SafetensorsReader.read(write(i64("n", Integer.MAX_VALUE, Integer.MIN_VALUE)), s).get("n");
            assertEquals(DType.INT32, t.dtype());
            assertArrayEquals(new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}, t.toIntArray());
            Path f = write(f64("ok", 1), i64("n", 0, 1L << 31));
            long live = Scope.liveBytes();
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(f, s));
            assertTrue(e.getMessage().endsWith("tensor 'n' is I64 in the file; its value 2147483648 at index [1] has no"
                    + " exact int32 value"), e.getMessage());
            assertEquals(live, Scope.liveBytes(), "no tensor allocated before every value was checked");
        }
    }

    @Test
    void boolBytesOtherThanZeroAndOneAreRefused() throws IOException {
        try (Scope s = Scope.open()) {
            Path ok = write(new Raw("m", "BOOL", new int[] {3}, new byte[] {1, 0, 1}));
            assertArrayEquals(new int[] {1, 0, 1}, SafetensorsReader.read(ok, s).get("m").toIntArray());
            Path f = write(new Raw("m", "BOOL", new int[] {2, 2}, new byte[] {1, 0, 0, 2}));
            long live = Scope.liveBytes();
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(f, s));
            assertTrue(e.getMessage().endsWith("tensor 'm' is BOOL but holds byte 2 at index [1, 1] (only 0 and 1 are"
                    + " booleans)"), e.getMessage());
            assertEquals(live, Scope.liveBytes());
        }
    }

    // ---- PyTorch's batch counter ---------------------------------------------------------------

    private static Sequential linearBatchNorm() {
        return new Sequential(new Linear(4, 3, new SplittableRandom(1)), new BatchNorm1d(3));
    }

    /** The state of {@code m} as F32 tensors, then {@code extra}. */
    private static List<Raw> stateAnd(Sequential m, Raw... extra) {
        List<Raw> out = new ArrayList<>();
        for (Parameter p : m.state()) {
            out.add(f32(p.name(), p.tensor()));
        }
        out.addAll(List.of(extra));
        return out;
    }

    private static byte[] int64(long v) {
        return le(8).putLong(v).array();
    }

    private static String loadRefusal(Sequential m, Path f) {
        return assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.loadInto(m, f)).getMessage();
    }

    @Test
    void batchCounterIsCheckedAndLeftOutOnlyBesideRunningStatistics() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential source = linearBatchNorm();
            source.forward(Tensor.uniform(2, -1, 1, DType.FLOAT32, 5, 4)); // moves the running statistics
            Sequential m = new Sequential(new Linear(4, 3, new SplittableRandom(9)), new BatchNorm1d(3));
            // An I32 counter is an integer scalar too (Gatun's own writer cannot write I64).
            Path ok = write(stateAnd(source, scalar("1.num_batches_tracked", "I32", le(4).putInt(1).array())));
            SafetensorsReader.loadInto(m, ok);
            for (int i = 0; i < m.state().size(); i++) {
                assertArrayEquals(source.state().get(i).tensor().toFloatArray(), m.state().get(i).tensor().toFloatArray());
            }

            String e = loadRefusal(m, write(stateAnd(source, scalar("1.num_batches_tracked", "F32", le(4).putFloat(1).array()))));
            assertTrue(e.contains("tensor '1.num_batches_tracked' should be PyTorch's batch counter, an integer scalar,"
                    + " but is F32 []"), e);
            e = loadRefusal(m, write(stateAnd(source, new Raw("1.num_batches_tracked", "I64", new int[] {1}, int64(1)))));
            assertTrue(e.contains("but is I64 [1]"), e);
            // Beside a Linear there are no running statistics: an unknown tensor like any other.
            e = loadRefusal(m, write(stateAnd(source, scalar("0.num_batches_tracked", "I64", int64(1)))));
            assertTrue(e.contains("not in the model: [0.num_batches_tracked]"), e);
            e = loadRefusal(m, write(stateAnd(source, scalar("1.xnum_batches_tracked", "I64", int64(1)),
                    scalar("1.steps", "I64", int64(1)))));
            assertTrue(e.contains("not in the model: [1.steps, 1.xnum_batches_tracked]"), e);
        }
    }
}
