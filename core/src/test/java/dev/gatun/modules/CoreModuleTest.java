package dev.gatun.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.Parallel;
import dev.gatun.tensor.Tensor;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The core module's promises: it depends on the JDK and Gatun's kernels alone (checked with
 * jdeps), the tests run it as a named module, and a program that forgets
 * {@code --add-modules jdk.incubator.vector} still runs, on the scalar backend, with one warning.
 */
class CoreModuleTest {
    private static final Path CORE = location(Tensor.class);
    private static final Path KERNELS = location(Parallel.class);
    private static final Path PROBE = location(ForwardPassProbe.class);

    @Test
    void testsRunTheCoreAsANamedModule() {
        assertEquals("dev.gatun.core", Tensor.class.getModule().getName());
        assertEquals("dev.gatun.kernels", Parallel.class.getModule().getName());
    }

    @Test
    void jdepsFindsOnlyTheJdkAndTheKernelsBelowTheCore() {
        assertEquals(Set.of("dev.gatun.core -> java.base", "dev.gatun.core -> dev.gatun.kernels"),
                jdeps("--module-path", KERNELS.toString(), "-s", CORE.toString()));
        assertEquals(Set.of("dev.gatun.kernels -> java.base", "dev.gatun.kernels -> jdk.incubator.vector"),
                jdeps("-s", KERNELS.toString()));
    }

    @Test
    void withoutTheVectorModuleTheScalarBackendRunsAfterOneWarning() throws Exception {
        String cp = String.join(File.pathSeparator, CORE.toString(), KERNELS.toString(), PROBE.toString());
        Run scalar = java("-cp", cp, ForwardPassProbe.class.getName());
        assertEquals(0, scalar.exit, scalar.toString());
        assertTrue(scalar.out.contains("backend=scalar"), scalar.toString());
        assertFalse(scalar.err.contains("NoClassDefFoundError"), scalar.toString());
        assertEquals(1, scalar.err.split("jdk.incubator.vector is not loaded", -1).length - 1, scalar.toString());
        assertTrue(scalar.err.contains("--add-modules jdk.incubator.vector"), scalar.toString());

        Run cpu = java("--add-modules", "jdk.incubator.vector", "-cp", cp, ForwardPassProbe.class.getName());
        assertEquals(0, cpu.exit, cpu.toString());
        assertTrue(cpu.out.contains("backend=cpu"), cpu.toString());
        assertFalse(cpu.err.contains("is not loaded"), cpu.toString());
        assertClose(output(cpu), output(scalar));
    }

    @Test
    void onTheModulePathTheCoreResolvesTheVectorModuleItself() throws Exception {
        Run run = java("--module-path", CORE + File.pathSeparator + KERNELS, "--add-modules", "dev.gatun.core",
                "-cp", PROBE.toString(), ForwardPassProbe.class.getName());
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("backend=cpu"), run.toString());
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static float[] output(Run run) {
        String line = run.out.lines().filter(l -> l.startsWith("output=")).findFirst().orElseThrow();
        String[] parts = line.substring("output=[".length(), line.length() - 1).split(", ");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    private static Set<String> jdeps(String... args) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
                "jdeps is not in this JDK (" + System.getProperty("java.home") + ")"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), args);
        assertEquals(0, rc, out.toString());
        Set<String> edges = new TreeSet<>();
        out.toString().lines().map(String::strip).filter(l -> l.contains(" -> ")).forEach(edges::add);
        return edges;
    }

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Run java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(Arrays.asList(args));
        File err = File.createTempFile("probe", ".err");
        File out = File.createTempFile("probe", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err).redirectOutput(out).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the probe JVM did not finish in 60 s: " + cmd);
            }
            return new Run(p.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            err.delete();
            out.delete();
        }
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
