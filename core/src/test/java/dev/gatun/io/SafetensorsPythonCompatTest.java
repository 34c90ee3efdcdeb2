package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.BatchNorm2d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with the reference implementation (the Python {@code safetensors} package),
 * through files it wrote: {@code src/test/resources/safetensors/make_fixtures.py} writes them and
 * {@code expected.txt}, the values NumPy decodes from them, so these tests need no Python.
 */
class SafetensorsPythonCompatTest {
    @TempDir
    Path dir;

    /** One line of expected.txt: a tensor as the reference wrote it and NumPy decoded it. */
    private record Expected(String file, String name, String code, int[] shape, String[] values) {
        /** The float32 values (for F16, BF16 and F32). */
        float[] floats() {
            float[] out = new float[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(values[i], 16));
            }
            return out;
        }

        double[] doubles() {
            return Arrays.stream(values).mapToDouble(v -> Double.longBitsToDouble(Long.parseUnsignedLong(v, 16))).toArray();
        }

        int[] ints() {
            return Arrays.stream(values).mapToInt(Integer::parseInt).toArray();
        }
    }

    /** The fixture as a file: the resource itself, or a copy where the test classes are a jar (the GPU runner). */
    private static Path fixture(String name) {
        URL url = SafetensorsPythonCompatTest.class.getResource("/safetensors/" + name);
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempFile("gatun-fixture-", "-" + name);
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("fixture " + name + ": " + e.getMessage(), e);
        }
    }

    /** The expected tensors of {@code file}, in the order the script wrote them. */
    private static List<Expected> expected(String file) throws IOException {
        List<Expected> out = Files.readAllLines(fixture("expected.txt")).stream()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("\t", -1))
                .filter(f -> f[0].equals(file))
                .map(f -> new Expected(f[0], f[1], f[2], shape(f[3]),
                        f[4].isEmpty() ? new String[0] : f[4].split(" ")))
                .toList();
        assertFalse(out.isEmpty(), "expected.txt has no tensors for " + file);
        return out;
    }

    private static int[] shape(String s) {
        String inner = s.substring(1, s.length() - 1);
        return inner.isEmpty() ? new int[0] : Arrays.stream(inner.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test
    void readsEveryDtypeExactlyAsNumPyDecodesIt() throws IOException {
        List<Expected> want = expected("dtypes.safetensors");
        assertEquals(List.of("F16", "BF16", "F32", "F64", "I64", "I32", "U8", "BOOL"),
                want.stream().map(Expected::code).distinct().toList());
        try (Scope s = Scope.open()) {
            Map<String, Tensor> got = SafetensorsReader.read(fixture("dtypes.safetensors"), s);
            assertEquals(want.size(), got.size());
            for (Expected e : want) {
                Tensor t = got.get(e.name());
                assertArrayEquals(e.shape(), t.shape(), e.name());
                switch (e.code()) {
                    case "F16", "BF16", "F32" -> {
                        assertEquals(DType.FLOAT32, t.dtype(), e.name());
                        assertArrayEquals(bits(e.floats()), bits(t.toFloatArray()), e.name());
                    }
                    case "F64" -> {
                        assertEquals(DType.FLOAT64, t.dtype(), e.name());
                        assertArrayEquals(bits(e.doubles()), bits(t.toDoubleArray()), e.name());
                    }
                    default -> {
                        assertEquals(DType.INT32, t.dtype(), e.name());
                        assertArrayEquals(e.ints(), t.toIntArray(), e.name());
                    }
                }
            }
            // The edges by name, independent of NumPy: F16's smallest subnormal, largest value, a
            // NaN with a payload; BF16's smallest subnormal and largest value.
            float[] f16 = got.get("f16").toFloatArray();
            assertEquals(0x1p-24f, f16[7]);
            assertEquals(-0x1p-24f, f16[10]);
            assertEquals(0x3ffp-24f, f16[8]);
            assertEquals(65504f, f16[5]);
            assertEquals(Float.NEGATIVE_INFINITY, f16[12]);
            assertEquals(0x7fc02000, Float.floatToRawIntBits(f16[14]));
            float[] bf16 = got.get("bf16").toFloatArray();
            assertEquals(0x1p-133f, bf16[7]);
            assertEquals(0x1.fep127f, bf16[5]);
            assertTrue(Float.isNaN(bf16[11]));
        }
    }

    @Test
    void floatTypesWidenExactlyIntoFloat64Models() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> slots = new LinkedHashMap<>();
            List<Expected> want = expected("dtypes.safetensors");
            for (Expected e : want) {
                slots.put(e.name(), Tensor.zeros(s, DType.FLOAT64, e.shape()));
            }
            // i64 holds 16777217 (2^24 + 1): exact in float64, so the whole file loads.
            BufferModule m = new BufferModule(slots);
            SafetensorsReader.loadInto(m, fixture("dtypes.safetensors"));
            for (Expected e : want) {
                double[] got = slots.get(e.name()).toDoubleArray();
                double[] values = switch (e.code()) {
                    case "F16", "BF16", "F32" -> widen(e.floats());
                    case "F64" -> e.doubles();
                    default -> Arrays.stream(e.ints()).asDoubleStream().toArray();
                };
                for (int i = 0; i < values.length; i++) {
                    if (Double.isNaN(values[i])) {
                        assertTrue(Double.isNaN(got[i]), e.name() + "[" + i + "]");
                    } else {
                        assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(got[i]),
                                e.name() + "[" + i + "]");
                    }
                }
            }
        }
    }

    private static double[] widen(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Test
    void int64WithoutExactFloat32IsRefusedNamingTensorDtypeValueAndIndex() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> slots = new LinkedHashMap<>();
            for (Expected e : expected("dtypes.safetensors")) {
                // f64 (π among its values) needs float64; float32 for the rest.
                slots.put(e.name(), Tensor.zeros(s, e.code().equals("F64") ? DType.FLOAT64 : DType.FLOAT32, e.shape()));
            }
            SafetensorsFormatException ex = assertThrows(SafetensorsFormatException.class,
                    () -> SafetensorsReader.loadInto(new BufferModule(slots), fixture("dtypes.safetensors")));
            // i64 is [[0, 1], [-1, 2^31 - 1], [-2^31, 2^24 + 1]]: 2^31 - 1 is the first without a float32.
            assertTrue(ex.getMessage().endsWith("tensor 'i64' is I64 in the file; its value 2147483647 at index [1, 1]"
                    + " has no exact float32 value"), ex.getMessage());
            for (Tensor t : slots.values()) {
                for (float v : t.toFloatArray()) {
                    assertEquals(0f, v, "nothing copied before the refusal");
                }
            }
        }
    }

    /** A model shaped like the fixture's PyTorch Sequential(Linear(4, 3), BatchNorm1d(3)). */
    private static Sequential linearBatchNorm() {
        return new Sequential(new Linear(4, 3, new SplittableRandom(3)), new BatchNorm1d(3));
    }

    @Test
    void pyTorchBatchNormStateDictWithBatchCounterLoads() throws IOException {
        try (Scope s = Scope.open()) {
            Sequential m = linearBatchNorm();
            SafetensorsReader.loadInto(m, fixture("bn1d-state-dict.safetensors"));
            Map<String, Tensor> state = new LinkedHashMap<>();
            for (Parameter p : m.state()) {
                state.put(p.name(), p.tensor());
            }
            List<Expected> want = expected("bn1d-state-dict.safetensors");
            for (Expected e : want) {
                if (e.name().equals("1.num_batches_tracked")) {
                    assertEquals("I64", e.code());
                    assertFalse(state.containsKey(e.name()), "Gatun's batch norm keeps no batch counter");
                    continue;
                }
                assertArrayEquals(bits(e.floats()), bits(state.get(e.name()).toFloatArray()), e.name());
            }
            assertEquals(want.size() - 1, state.size());
            // The names landed where PyTorch means them: evaluation-mode output against the formula.
            m.train(false);
            float[] x = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0f, -2f};
            float[] y = m.forward(Tensor.of(x, 2, 4)).toFloatArray();
            float[] w = state.get("0.weight").toFloatArray();
            float[] b = state.get("0.bias").toFloatArray();
            float[] gamma = state.get("1.weight").toFloatArray();
            float[] beta = state.get("1.bias").toFloatArray();
            float[] mean = state.get("1.running_mean").toFloatArray();
            float[] var = state.get("1.running_var").toFloatArray();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    double z = b[c];
                    for (int k = 0; k < 4; k++) {
                        z += (double) x[n * 4 + k] * w[c * 4 + k];
                    }
                    double want1 = (z - mean[c]) / Math.sqrt(var[c] + 1e-5) * gamma[c] + beta[c];
                    assertEquals(want1, y[n * 3 + c], 1e-5 * Math.max(1, Math.abs(want1)), "y[" + n + ", " + c + "]");
                }
            }
        }
    }

    @Test
    void halfPrecisionBatchNormStateDictLoadsIntoFloat32AndFloat64() throws IOException {
        List<Expected> want = expected("bn2d-half-state-dict.safetensors");
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            try (Scope s = Scope.open()) {
                BatchNorm2d bn = new BatchNorm2d(2, dtype);
                SafetensorsReader.loadInto(bn, fixture("bn2d-half-state-dict.safetensors"));
                Map<String, Tensor> state = new LinkedHashMap<>();
                for (Parameter p : bn.state()) {
                    state.put(p.name(), p.tensor());
                }
                assertEquals(List.of("weight", "bias", "running_mean", "running_var"), List.copyOf(state.keySet()));
                for (Expected e : want) {
                    if (e.code().equals("F16")) {
                        assertArrayEquals(widen(e.floats()), state.get(e.name()).toDoubleArray(), e.name() + " " + dtype);
                    }
                }
            }
        }
    }

    // ---- the Java writer against the reference's bytes -------------------------------------

    private static final float[] W = {1.5f, -2.25f, 3.0e-39f, Float.MAX_VALUE, -0.0f, 0.1f};
    private static final double[] B = {Math.PI, -1e300, Double.MIN_VALUE};
    private static final int[] I = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
    /** The metadata value of reference-metadata.safetensors. */
    private static final String AWKWARD = "é \"q\" \\ \n\t\b\f\u0001\u001f\u007f/";

    /** The tensors make_fixtures.py saves as its compatibility set. */
    private static Map<String, Tensor> javaTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(W, 2, 3));
        m.put("b", Tensor.of(B, 3));
        m.put("i", Tensor.of(I, 2, 1, 2));
        m.put("e", Tensor.zeros(DType.FLOAT32, 0, 3));
        return m;
    }

    @Test
    void readsFileWrittenByReference() throws Exception {
        try (Scope s = Scope.open()) {
            SafetensorsReader.Safetensors st = SafetensorsReader.load(fixture("reference-metadata.safetensors"), s);
            assertEquals(Map.of("k", AWKWARD), st.metadata());
            assertArrayEquals(new int[] {2, 3}, st.tensors().get("w").shape());
            assertArrayEquals(bits(W), bits(st.tensors().get("w").toFloatArray()));
            assertEquals(DType.FLOAT64, st.tensors().get("b").dtype());
            assertArrayEquals(B, st.tensors().get("b").toDoubleArray());
            assertEquals(DType.INT32, st.tensors().get("i").dtype());
            assertArrayEquals(new int[] {2, 1, 2}, st.tensors().get("i").shape());
            assertArrayEquals(I, st.tensors().get("i").toIntArray());
            assertArrayEquals(new int[] {0, 3}, st.tensors().get("e").shape());
        }
    }

    /**
     * The Java writer produces exactly the reference's bytes, so the reference reads what Java
     * writes. Checked without metadata and with one key of awkward characters.
     */
    @Test
    void writerIsByteIdenticalToReference() throws Exception {
        Map<String, Map<String, String>> cases = Map.of("reference.safetensors", Map.of(),
                "reference-metadata.safetensors", Map.of("k", AWKWARD));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            Path jv = dir.resolve("jv.safetensors");
            try (Scope s = Scope.open(); OutputStream out = Files.newOutputStream(jv)) {
                SafetensorsWriter.writeTensors(javaTensors(), c.getValue(), out);
            }
            byte[] want = Files.readAllBytes(fixture(c.getKey()));
            byte[] got = Files.readAllBytes(jv);
            if (!Arrays.equals(want, got)) {
                assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(got),
                        c.getKey() + "\nheader python: " + new String(want, StandardCharsets.ISO_8859_1)
                                + "\nheader java: " + new String(got, StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** The tensors of reference-half.safetensors, built in Java from expected.txt's values. */
    private static Map<String, Tensor> halfTensors() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Expected e : expected("reference-half.safetensors")) {
            DType dtype = switch (e.code()) {
                case "BF16" -> DType.BFLOAT16;
                case "F16" -> DType.FLOAT16;
                default -> DType.FLOAT32;
            };
            Tensor t = Tensor.zeros(dtype, e.shape());
            float[] v = e.floats();
            for (int i = 0; i < v.length; i++) {
                t.setFlat(i, v[i]);
            }
            out.put(e.name(), t);
        }
        return out;
    }

    /** Bfloat16 and float16 tensors are written as BF16 and F16 exactly as the reference writes them. */
    @Test
    void writerWritesHalvesByteIdenticalToReference() throws Exception {
        Path jv = dir.resolve("half.safetensors");
        try (Scope s = Scope.open(); OutputStream out = Files.newOutputStream(jv)) {
            SafetensorsWriter.writeTensors(halfTensors(), Map.of(), out);
        }
        byte[] want = Files.readAllBytes(fixture("reference-half.safetensors"));
        byte[] got = Files.readAllBytes(jv);
        if (!Arrays.equals(want, got)) {
            assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(got),
                    "header python: " + new String(want, StandardCharsets.ISO_8859_1)
                            + "\nheader java: " + new String(got, StandardCharsets.ISO_8859_1));
        }
    }

    /** With keepHalves, F16 and BF16 load as float16 and bfloat16 holding NumPy's values bit for bit. */
    @Test
    void readsHalvesKeptAsHalvesAsNumPyDecodesThem() throws IOException {
        for (String file : List.of("reference-half.safetensors", "dtypes.safetensors")) {
            try (Scope s = Scope.open()) {
                Map<String, Tensor> got = SafetensorsReader.load(fixture(file), s, true).tensors();
                for (Expected e : expected(file)) {
                    Tensor t = got.get(e.name());
                    DType want = switch (e.code()) {
                        case "BF16" -> DType.BFLOAT16;
                        case "F16" -> DType.FLOAT16;
                        case "F32" -> DType.FLOAT32;
                        case "F64" -> DType.FLOAT64;
                        default -> DType.INT32;
                    };
                    assertEquals(want, t.dtype(), file + " " + e.name());
                    assertArrayEquals(e.shape(), t.shape(), e.name());
                    if (want.isHalf() || want == DType.FLOAT32) {
                        assertArrayEquals(bits(e.floats()), bits(t.toFloatArray()), file + " " + e.name());
                    }
                }
            }
        }
    }
}
