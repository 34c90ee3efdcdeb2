package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte compatibility with the reference implementation (the Python {@code safetensors} package),
 * run through {@code python3}. Skipped, with the reason, where python3 lacks safetensors or numpy.
 */
class SafetensorsPythonCompatTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out) {}

    private static Result python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("python3 timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void needsPython() throws InterruptedException {
        Result r;
        try {
            r = python("import safetensors, numpy");
        } catch (IOException e) {
            Assumptions.abort("python3 is not available (" + e.getMessage() + "); skipping reference compatibility");
            return;
        }
        if (r.exit() != 0) {
            Assumptions.abort("python3 cannot import safetensors and numpy; skipping reference compatibility: "
                    + r.out().strip());
        }
    }

    private static final float[] W = {1.5f, -2.25f, 3.0e-39f, Float.MAX_VALUE, -0.0f, 0.1f};
    private static final double[] B = {Math.PI, -1e300, Double.MIN_VALUE};
    private static final int[] I = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};

    /** The same tensors built in Python (values written with repr/float.hex so they are exact). */
    private static final String PY_TENSORS = """
            import numpy as np, sys
            from safetensors.numpy import save_file, load_file
            w = np.array([1.5, -2.25, 3.0e-39, 3.4028234663852886e38, -0.0, 0.1], dtype=np.float32).reshape(2, 3)
            b = np.array([float.fromhex(h) for h in %s], dtype=np.float64)
            i = np.array([-2147483648, -1, 0, 2147483647], dtype=np.int32).reshape(2, 1, 2)
            e = np.zeros((0, 3), dtype=np.float32)
            tensors = {"w": w, "b": b, "i": i, "e": e}
            """.formatted(hexList(B));

    private static String hexList(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (double d : v) {
            sb.append('"').append(Double.toHexString(d)).append("\",");
        }
        return sb.append(']').toString();
    }

    private static Map<String, Tensor> javaTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(W, 2, 3));
        m.put("b", Tensor.of(B, 3));
        m.put("i", Tensor.of(I, 2, 1, 2));
        m.put("e", Tensor.zeros(DType.FLOAT32, 0, 3));
        return m;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private void writeJava(Path f, Map<String, String> meta) throws IOException {
        try (OutputStream out = Files.newOutputStream(f)) {
            SafetensorsWriter.writeTensors(javaTensors(), meta, out);
        }
    }

    @Test
    void readsFileWrittenByReference() throws Exception {
        Path f = dir.resolve("py.safetensors");
        Result r = python(PY_TENSORS + "save_file(tensors, sys.argv[1], metadata={'format': 'np', 'note': 'é\"x'})\n",
                f.toString());
        assertEquals(0, r.exit(), r.out());
        try (Scope s = Scope.open()) {
            SafetensorsReader.Safetensors st = SafetensorsReader.load(f, s);
            assertEquals(Map.of("format", "np", "note", "é\"x"), st.metadata());
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

    @Test
    void referenceReadsFileWrittenByJava() throws Exception {
        Path f = dir.resolve("java.safetensors");
        try (Scope s = Scope.open()) {
            writeJava(f, Map.of("epoch", "7", "name", "ünï"));
        }
        String script = """
                import sys, numpy as np
                from safetensors import safe_open
                with safe_open(sys.argv[1], framework="np") as f:
                    md = f.metadata()
                    print("meta", sorted(md.items()))
                    for k in sorted(f.keys()):
                        t = f.get_tensor(k)
                        vals = t.view(np.uint32 if t.dtype == np.float32 else np.uint64 if t.dtype == np.float64 else np.int32)
                        print(k, t.dtype, list(t.shape), [int(v) for v in vals.ravel()])
                """;
        Result r = python(script, f.toString());
        assertEquals(0, r.exit(), r.out());
        StringBuilder want = new StringBuilder("meta [('epoch', '7'), ('name', 'ünï')]\n");
        want.append("b float64 [3] ").append(longs(B)).append('\n');
        want.append("e float32 [0, 3] []\n");
        want.append("i int32 [2, 1, 2] ").append(java.util.Arrays.toString(I)).append('\n');
        want.append("w float32 [2, 3] ").append(uints(W)).append('\n');
        assertEquals(want.toString(), r.out());
    }

    private static String longs(double[] v) {
        List<String> out = new ArrayList<>();
        for (double d : v) {
            out.add(Long.toUnsignedString(Double.doubleToRawLongBits(d)));
        }
        return out.toString();
    }

    private static String uints(float[] v) {
        List<String> out = new ArrayList<>();
        for (float x : v) {
            out.add(Integer.toUnsignedString(Float.floatToRawIntBits(x)));
        }
        return out.toString();
    }

    /**
     * The Java writer produces exactly the reference's bytes. Checked without metadata, with one
     * key, and with awkward characters; the reference writes several metadata keys in hash order
     * (different on each run), so only single-key metadata can be byte-compared.
     */
    @Test
    void writerIsByteIdenticalToReference() throws Exception {
        List<Map<String, String>> metas = List.of(Map.of(), Map.of("k", "é \"q\" \\ \n\t\b\f\u0001\u001f\u007f/"));
        for (Map<String, String> meta : metas) {
            Path py = dir.resolve("ref.safetensors");
            Path jv = dir.resolve("jv.safetensors");
            String metaArg = meta.isEmpty() ? "None" : "{sys.argv[2]: sys.argv[3]}";
            List<String> args = new ArrayList<>(List.of(py.toString()));
            meta.forEach((k, v) -> {
                args.add(k);
                args.add(v);
            });
            Result r = python(PY_TENSORS + "save_file(tensors, sys.argv[1], metadata=" + metaArg + ")\n",
                    args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.out());
            try (Scope s = Scope.open()) {
                writeJava(jv, meta);
            }
            byte[] want = Files.readAllBytes(py);
            byte[] got = Files.readAllBytes(jv);
            if (!java.util.Arrays.equals(want, got)) {
                assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(got),
                        "header python: " + new String(want, StandardCharsets.ISO_8859_1) + "\nheader java: "
                                + new String(got, StandardCharsets.ISO_8859_1));
            }
        }
    }
}
