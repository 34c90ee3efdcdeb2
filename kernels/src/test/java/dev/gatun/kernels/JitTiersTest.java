package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kernel method compiles at C1's profiling tier, at the vector width of this test run. A
 * method that C1 gives up on (the Vector API's Java code inlined into it can run C1 out of
 * virtual registers) never collects the profile that sends it on to C2: it stays in C1's code,
 * where every vector operation is a call into Java, and runs several times slower with no error
 * anywhere. 8×8 transposes at 16 lanes did, and the MLP's step at 512-bit took 2.4 times as long
 * as at 256-bit. C1's code does not depend on the CPU's vectors, so the emulated widths are
 * checked as well as the native one; C2's does, and is not checked here.
 */
class JitTiersTest {
    /**
     * The two methods of the WhiteBox API used here, in a class of the API's name: HotSpot binds
     * them when the class is on the boot class path (and warns about each of the API's other
     * methods, which this class leaves out).
     */
    private static final String WHITE_BOX = """
            package jdk.test.whitebox;

            import java.lang.reflect.Executable;

            public class WhiteBox {
                private static native void registerNatives();

                static {
                    registerNatives();
                }

                public native boolean enqueueMethodForCompilation0(Executable method, int level, int entryBci);

                public native boolean isMethodCompilable0(Executable method, int level, boolean osr);
            }
            """;

    @Test
    void everyKernelMethodCompilesAtTheProfilingTier(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("src/jdk/test/whitebox/WhiteBox.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, WHITE_BOX);
        Path boot = dir.resolve("boot");
        String javac = ChildJvm.run(List.of(ChildJvm.tool("javac"), "-d",
                boot.toString(), source.toString()));
        assertTrue(Files.isRegularFile(boot.resolve("jdk/test/whitebox/WhiteBox.class")), javac);
        Path kernels = Path.of(Simd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = List.of(ChildJvm.tool("java"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xbootclasspath/a:" + boot, "-XX:+UnlockDiagnosticVMOptions", "-XX:+WhiteBoxAPI", "-Xbatch",
                "-XX:+PrintCompilation", "-Dgatun.threads=2",
                "-Dgatun.simd.bits=" + Simd.FLOATS.vectorBitSize(), "-cp", ChildJvm.classPath(),
                JitTiersProbe.class.getName(), kernels.toString());
        String output = ChildJvm.run(cmd);
        List<String> notCompilable = output.lines().filter(l -> l.startsWith("NOT COMPILABLE")).toList();
        List<String> skipped = output.lines()
                .filter(l -> l.contains("dev.gatun.") && l.contains("COMPILE SKIPPED")).toList();
        assertEquals(List.of(), notCompilable, String.join("\n", skipped));
        int checked = output.lines().filter(l -> l.startsWith("checked "))
                .mapToInt(l -> Integer.parseInt(l.substring("checked ".length()))).findFirst().orElse(0);
        assertTrue(checked > 500, "checked only " + checked + " methods:\n" + output);
    }
}
