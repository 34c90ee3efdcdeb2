package dev.gatun.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM for tests that need other JVM options than their own: this JDK's tools, this test run's classes. */
public final class ChildJvm {
    private ChildJvm() {}

    /** This JDK's {@code bin/name} (java, javac). */
    public static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** What the command printed, once it exited with status 0 (within 300 s). */
    public static String run(List<String> cmd) throws Exception {
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(300, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), cmd.get(0) + " failed:\n" + output);
        return output;
    }

    /** The test JVM's module path and class path, as a class path for the child. */
    public static String classPath() {
        List<String> entries = new ArrayList<>(
                List.of(System.getProperty("jdk.module.path", "").split(File.pathSeparator)));
        entries.addAll(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.removeIf(String::isBlank);
        return String.join(File.pathSeparator, entries);
    }
}
