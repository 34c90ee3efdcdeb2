package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Activation;
import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through SafetensorsWriter, loading into models, and rejection of malformed files. */
class SafetensorsReaderTest {
    @TempDir
    Path dir;

    private static Sequential model(long seed, int hidden) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Linear(4, hidden, rng), Activation.relu(), new Linear(hidden, 3, rng));
    }

    private Path save(List<Parameter> params, Map<String, String> meta) throws IOException {
        Path f = Files.createTempFile(dir, "m", ".safetensors");
        try (OutputStream out = Files.newOutputStream(f)) {
            SafetensorsWriter.write(params, meta, out);
        }
        return f;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential m = model(1, 5);
            Map<String, String> meta = Map.of("epoch", "3", "note", "ünï \"q\"\n\t\b\f\u0001");
            Path f = save(m.parameters(), meta);
            SafetensorsReader.Safetensors st = SafetensorsReader.load(f, s);
            assertEquals(meta, st.metadata());
            assertEquals(meta, SafetensorsReader.metadata(f));
            assertEquals(m.parameters().size(), st.tensors().size());
            for (Parameter p : m.parameters()) {
                Tensor t = st.tensors().get(p.name());
                assertEquals(DType.FLOAT32, t.dtype());
                assertArrayEquals(p.tensor().shape(), t.shape(), p.name());
                assertArrayEquals(bits(p.tensor().toFloatArray()), bits(t.toFloatArray()), p.name());
            }
            assertEquals(st.tensors().keySet(), SafetensorsReader.read(f, s).keySet());
        }
    }

    @Test
    void allDtypesAndEmptyTensorsRoundTrip() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> in = new java.util.LinkedHashMap<>();
            in.put("f", Tensor.of(new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE}, 2, 2));
            in.put("d", Tensor.of(new double[] {Math.PI, -1e300, Double.NEGATIVE_INFINITY}, 3));
            in.put("i", Tensor.of(new int[] {Integer.MIN_VALUE, 0, 7}, 1, 3));
            in.put("e", Tensor.zeros(s, DType.FLOAT32, 0, 4));
            in.put("s", Tensor.of(new double[] {42}));
            Path f = dir.resolve("all.safetensors");
            try (OutputStream out = Files.newOutputStream(f)) {
                SafetensorsWriter.writeTensors(in, Map.of(), out);
            }
            Map<String, Tensor> back = SafetensorsReader.read(f, s);
            assertEquals(in.keySet(), back.keySet());
            assertArrayEquals(bits(in.get("f").toFloatArray()), bits(back.get("f").toFloatArray()));
            assertArrayEquals(in.get("d").toDoubleArray(), back.get("d").toDoubleArray());
            assertArrayEquals(in.get("i").toIntArray(), back.get("i").toIntArray());
            assertArrayEquals(new int[] {0, 4}, back.get("e").shape());
            assertArrayEquals(new int[] {}, back.get("s").shape());
            assertEquals(42.0, back.get("s").item());
            assertEquals(Map.of(), SafetensorsReader.metadata(f));
        }
    }

    @Test
    void loadIntoRestoresModelExactly() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential a = model(1, 5);
            Sequential b = model(2, 5);
            Path f = save(a.parameters(), Map.of());
            SafetensorsReader.loadInto(b, f);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(bits(a.parameters().get(i).tensor().toFloatArray()),
                        bits(b.parameters().get(i).tensor().toFloatArray()));
            }
            Tensor x = Tensor.uniform(9, -1, 1, DType.FLOAT32, 2, 4);
            assertArrayEquals(bits(a.forward(x).toFloatArray()), bits(b.forward(x).toFloatArray()));
        }
    }

    @Test
    void loadIntoRoundTripsBuffersThroughState() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential a = new Sequential(new Linear(4, 3, new SplittableRandom(1)), new BatchNorm1d(3));
            a.forward(Tensor.uniform(3, 1, 5, DType.FLOAT32, 6, 4)); // moves the running statistics
            Sequential b = new Sequential(new Linear(4, 3, new SplittableRandom(2)), new BatchNorm1d(3));
            Path f = save(a.state(), Map.of());
            SafetensorsReader.loadInto(b, f);
            for (int i = 0; i < a.state().size(); i++) {
                assertArrayEquals(bits(a.state().get(i).tensor().toFloatArray()),
                        bits(b.state().get(i).tensor().toFloatArray()), a.state().get(i).name());
            }
            a.train(false);
            b.train(false);
            Tensor x = Tensor.uniform(9, -1, 1, DType.FLOAT32, 2, 4);
            assertArrayEquals(bits(a.forward(x).toFloatArray()), bits(b.forward(x).toFloatArray()));
            // A file of parameters only lacks the buffers, and says so.
            Path paramsOnly = save(a.parameters(), Map.of());
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                    () -> SafetensorsReader.loadInto(b, paramsOnly));
            assertTrue(e.getMessage().contains("missing from the file: [1.running_mean, 1.running_var]"), e.getMessage());
        }
    }

    @Test
    void loadIntoRejectsDifferentShapeNamingTensorAndShapes() throws IOException {
        try (Scope s = Scope.open()) {
            Path f = save(model(1, 5).parameters(), Map.of());
            Sequential other = model(2, 6);
            float[] before = other.parameters().get(0).tensor().toFloatArray();
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                    () -> SafetensorsReader.loadInto(other, f));
            assertTrue(e.getMessage().contains("tensor '0.weight' has shape [5, 4] in the file but [6, 4] in the model"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            assertArrayEquals(before, other.parameters().get(0).tensor().toFloatArray(), "nothing copied on error");
        }
    }

    @Test
    void loadIntoListsMissingAndUnexpectedNames() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential small = new Sequential(new Linear(4, 5, new SplittableRandom(1)));
            Path f = save(small.parameters(), Map.of());
            Sequential shifted = new Sequential(Activation.relu(), new Linear(4, 5, new SplittableRandom(1)));
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                    () -> SafetensorsReader.loadInto(shifted, f));
            assertTrue(e.getMessage().contains("missing from the file: [1.bias, 1.weight]"), e.getMessage());
            assertTrue(e.getMessage().contains("not in the model: [0.bias, 0.weight]"), e.getMessage());
        }
    }

    // ---- malformed files ------------------------------------------------------------------

    private Path raw(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(f, bytes);
        return f;
    }

    /** A file with the given header length field, header text and data size. */
    private Path file(long headerLenField, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLenField).put(h);
        return raw(b.array());
    }

    private Path file(String header, int dataBytes) throws IOException {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private String rejected(Path f) {
        try (Scope s = Scope.open()) {
            long live = Scope.liveBytes();
            SafetensorsFormatException e =
                    assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(f, s));
            assertEquals(live, Scope.liveBytes(), "no tensor memory allocated before validation");
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
            assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.metadata(f));
            return e.getMessage();
        }
    }

    private static void assertContains(String message, String part) {
        assertTrue(message.contains(part), () -> "expected '" + part + "' in: " + message);
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        assertContains(rejected(raw(new byte[] {1, 0, 0})), "too short");
        // Valid header, data cut short.
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12)),
                "the tensors cover 16 bytes but the data section after the header is 12 bytes");
    }

    @Test
    void rejectsHugeHeaderLength() throws IOException {
        assertContains(rejected(file(1L << 40, "{}", 0)), "header length 1099511627776 exceeds the limit");
        assertContains(rejected(file(-1L, "{}", 0)), "header length 18446744073709551615 exceeds the limit");
    }

    @Test
    void rejectsHeaderLengthBeyondFile() throws IOException {
        assertContains(rejected(file(1000, "{}", 0)), "header length 1000 runs past the end of the file");
    }

    @Test
    void rejectsBadJsonAndUtf8() throws IOException {
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",", 0)), "header is not valid JSON");
        assertContains(rejected(file("{\"a\":1,}", 0)), "not valid JSON: expected a string key");
        assertContains(rejected(file("{\"a\":1.5}", 0)), "only integers");
        assertContains(rejected(file("{} x", 0)), "after the end of the value");
        assertContains(rejected(file("{\"a\":{},\"a\":{}}", 0)), "duplicate key \"a\"");
        assertContains(rejected(file("[]", 0)), "header must be a JSON object");
        assertContains(rejected(file("{\"a\":true}", 0)), "header is not valid JSON");
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putLong(2).put(bad);
        assertContains(rejected(raw(b.array())), "not valid UTF-8");
        assertContains(rejected(file("{\"__metadata__\":{\"k\":1}}", 0)), "__metadata__ value for 'k' must be a string");
    }

    @Test
    void rejectsUnsupportedDtype() throws IOException {
        assertContains(rejected(file("{\"x\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2)),
                "unsupported dtype 'I8' for tensor 'x' (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL)");
    }

    @Test
    void rejectsOverlappingOffsets() throws IOException {
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
                "tensor 'b' (bytes 4..12) overlaps 'a' (bytes 0..8)");
    }

    @Test
    void rejectsGapInOffsets() throws IOException {
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20)),
                "gap in the data: bytes 8..12 before tensor 'b'");
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)),
                "gap in the data: bytes 0..4");
        assertContains(rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12)),
                "(trailing bytes)");
    }

    @Test
    void rejectsShapeProductOverflow() throws IOException {
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,8],"
                + "\"data_offsets\":[0,8]}}", 8)), "tensor 'x' with shape [2147483647, 2147483647, 8] and dtype F32 overflows");
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,8]}}", 8)),
                "larger than 2147483647");
    }

    @Test
    void rejectsSizeMismatchBetweenShapeAndOffsets() throws IOException {
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16)),
                "tensor 'x' with shape [2, 2] and dtype F64 needs 32 bytes but its data_offsets [0, 16] span 16");
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8)),
                "begin > end");
    }

    @Test
    void rejectsNegativeDimension() throws IOException {
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,0]}}", 0)),
                "tensor 'x' has negative dimension -1 at axis 1");
    }

    @Test
    void rejectsMissingOrUnknownFields() throws IOException {
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4)), "needs \"data_offsets\"");
        assertContains(rejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"y\":1}}", 4)),
                "unknown field 'y'");
    }

    @Test
    void writerOrdersByAlignmentThenName() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> in = new java.util.LinkedHashMap<>();
            in.put("b", Tensor.of(new int[] {1}));
            in.put("a", Tensor.of(new float[] {1}));
            in.put("z", Tensor.of(new double[] {1}));
            in.put("B", Tensor.of(new float[] {1}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SafetensorsWriter.writeTensors(in, null, out);
            String header = new String(out.toByteArray(), 8, out.size() - 8 - 20, StandardCharsets.UTF_8);
            assertTrue(header.matches("\\{\"z\":.*\"B\":.*\"a\":.*\"b\":.*\\} *"), header);
            assertEquals(0, (out.size() - 20) % 8);
        }
    }
}
