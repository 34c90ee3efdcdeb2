package dev.gatun.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code gatun} in a JVM of its own, as {@code bin/gatun} starts it: for failures that
 * must not be caught in the test's JVM (running out of heap) and for the exit code of {@code main}.
 * Its standard error leaves out the JVM's own notice about the incubator module, as {@code bin/gatun}
 * does, and its logging is off, so that it holds exactly what the command printed.
 */
record ChildRun(int exitCode, String out, List<String> errLines) {
    static ChildRun of(Path workDir, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = command(workDir, jvmOptions, args);
        Path out = workDir.resolve("child.out");
        Path err = workDir.resolve("child.err");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gatun " + String.join(" ", args) + " did not end in 120 s");
        }
        List<String> errLines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        return new ChildRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), errLines);
    }

    /** The command line of {@code gatun args} in a JVM of its own, with {@code jvmOptions}. */
    static List<String> command(Path workDir, List<String> jvmOptions, String... args) throws IOException {
        Path logging = Files.writeString(workDir.resolve("no-logging.properties"), "handlers=\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Djava.util.logging.config.file=" + logging);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(GatunCli.class.getName());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** This JVM's class and module path as one class path: the child runs Gatun unnamed, as the shaded jar does. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(property);
            if (v != null && !v.isBlank()) {
                entries.addAll(Arrays.asList(v.split(File.pathSeparator)));
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
