package dev.gatun.distributed;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code mpirun -np N java ... MAIN ARGS} with this test JVM's modules and classes on the
 * class path, as Open MPI runs them on one host: {@code --oversubscribe} lets 3 ranks share 2
 * cores. Where Open MPI is not installed the test fails, saying how to install it: make test
 * installs it, so a missing one is a broken set-up, not a reason to skip.
 */
final class MpiJob {
    private MpiJob() {}

    /** What a finished job printed and returned. */
    record Result(int exitCode, String output, double seconds) {}

    /** mpirun; fails the test where Open MPI is not installed. */
    static String mpirun() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "mpirun")) && Files.isRegularFile(Path.of("/usr/lib/x86_64-linux-gnu/libmpi.so.40"))) {
                return dir + "/mpirun";
            }
        }
        throw new AssertionError("Open MPI is not installed (mpirun, libmpi.so.40): 'apt-get install openmpi-bin"
                + " libopenmpi-dev' (make test installs it when root)");
    }

    static List<String> command(int ranks, Class<?> main, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        for (String p : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(p);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(mpirun(), "--allow-run-as-root", "--oversubscribe", "-np",
                Integer.toString(ranks), java, "-Xmx768m", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dgatun.threads=1", "-cp", String.join(File.pathSeparator, cp),
                main.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts the job; output (stdout and stderr together) goes to {@code log}. */
    static Process start(int ranks, Class<?> main, List<String> args, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(ranks, main, args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OMPI_MCA_rmaps_base_oversubscribe", "1");
        return pb.start();
    }

    /** Runs the job to its end, or fails the test after {@code timeoutSeconds}. */
    static Result run(int ranks, Class<?> main, List<String> args, Path log, int timeoutSeconds)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = start(ranks, main, args, log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("mpirun -np " + ranks + " " + main.getSimpleName() + " ran past " + timeoutSeconds
                    + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
    }
}
