package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX is what {@code make ptx} makes from today's .cu sources: recompiling each with
 * the flags written in make/gpu.mk gives the same text, nvcc's leading version comments aside.
 * Needs the source tree and nvcc; skips with the reason where either is missing.
 */
class PtxSourcesTest {
    private static final Pattern FLAGS = Pattern.compile("(?m)^PTX_FLAGS := (.+)$");
    private static final Pattern GLOBAL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");

    @Test
    void sourcesDeclareExactlyTheListedKernels() throws IOException {
        Path root = sourceTree();
        Map<String, List<String>> fromSources = new TreeMap<>();
        for (Path cu : cudaSources(root)) {
            List<String> names = new ArrayList<>();
            Matcher m = GLOBAL.matcher(Files.readString(cu));
            while (m.find()) {
                names.add(m.group(1));
            }
            fromSources.put(base(cu), names.stream().sorted().toList());
        }
        Map<String, List<String>> listed = new TreeMap<>();
        for (PtxKernel k : PtxKernels.ALL) {
            listed.computeIfAbsent(k.file(), f -> new ArrayList<>()).add(k.entry());
        }
        listed.replaceAll((f, names) -> names.stream().sorted().toList());
        assertEquals(listed, fromSources);
    }

    @Test
    void committedPtxIsUpToDateWithTheSources() throws Exception {
        Path root = sourceTree();
        Path nvcc = nvcc().orElse(null);
        if (nvcc == null) {
            abort("nvcc not found (NVCC, CUDA_HOME/bin, /usr/local/cuda/bin, PATH): cannot check the committed PTX"
                    + " against the .cu sources here");
        }
        Matcher fm = FLAGS.matcher(Files.readString(root.resolve("make/gpu.mk")));
        assertTrue(fm.find(), "make/gpu.mk has no 'PTX_FLAGS := ...' line");
        List<String> flags = List.of(fm.group(1).trim().split("\\s+"));
        Path out = Files.createTempDirectory("gatun-ptx");
        try {
            List<Path> sources = cudaSources(root);
            List<Process> running = new ArrayList<>();
            for (Path cu : sources) {
                List<String> cmd = new ArrayList<>(List.of(nvcc.toString()));
                cmd.addAll(flags);
                cmd.addAll(List.of("-o", out.resolve(base(cu) + ".ptx").toString(), cu.toString()));
                running.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            }
            for (int i = 0; i < sources.size(); i++) {
                Process p = running.get(i);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out on " + sources.get(i));
                String log = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.exitValue(), "nvcc failed on " + sources.get(i) + ":\n" + log);
            }
            for (Path cu : sources) {
                String name = base(cu);
                String committed = PtxKernels.ptx(name);
                String header = "// make ptx: nvcc " + String.join(" ", flags) + " " + name + ".cu";
                assertEquals(header, committed.lines().findFirst().orElse(""), name + ".ptx header");
                String fresh = body(Files.readString(out.resolve(name + ".ptx")));
                String firstDifference = firstDifference(fresh, body(committed));
                assertTrue(firstDifference.isEmpty(), name + ".ptx is stale (run `make ptx` and commit the result): "
                        + firstDifference);
            }
        } finally {
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(out);
        }
    }

    /** "" when equal, else the first differing line of each. */
    private static String firstDifference(String fresh, String committed) {
        List<String> f = fresh.lines().toList();
        List<String> c = committed.lines().toList();
        for (int i = 0; i < Math.max(f.size(), c.size()); i++) {
            String a = i < f.size() ? f.get(i) : "(end)";
            String b = i < c.size() ? c.get(i) : "(end)";
            if (!a.equals(b)) {
                return "line " + (i + 1) + " after .version: nvcc now writes '" + a + "', committed is '" + b + "'";
            }
        }
        return "";
    }

    // Everything from .version on: the comment lines before it name the nvcc build and our command.
    private static String body(String ptx) {
        int at = ptx.indexOf(".version");
        assertTrue(at >= 0, "no .version line in PTX");
        return ptx.substring(at);
    }

    private static Path sourceTree() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("make/gpu.mk")) && Files.isDirectory(dir.resolve("cuda/src/main/cuda"))) {
                return dir;
            }
        }
        abort("the CUDA sources (cuda/src/main/cuda, make/gpu.mk) are not above " + Path.of("").toAbsolutePath()
                + ": this is not a source checkout (the gpu-runner ships only the compiled PTX)");
        throw new AssertionError("unreachable");
    }

    private static List<Path> cudaSources(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("cuda/src/main/cuda"))) {
            return files.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    private static java.util.Optional<Path> nvcc() {
        List<Path> candidates = new ArrayList<>();
        String explicit = System.getenv("NVCC");
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Path.of(explicit));
        }
        String cudaHome = System.getenv("CUDA_HOME");
        if (cudaHome != null && !cudaHome.isBlank()) {
            candidates.add(Path.of(cudaHome, "bin", "nvcc"));
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nvcc"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static String base(Path cu) {
        String n = cu.getFileName().toString();
        return n.substring(0, n.length() - ".cu".length());
    }
}
