package dev.gatun.bindings;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the CUDA libraries as absolute paths, without opening them. Pure apart from reading the
 * file system: the environment and the default directories are parameters, so tests can use temp
 * directories and fake environments.
 *
 * <p>Search order, first hit wins, per library:
 *
 * <ol>
 *   <li>{@code GATUN_CUDA_LIBS}: a path list of directories or library files;
 *   <li>{@code CUDA_HOME}, then {@code CUDA_PATH}: their {@code lib64}, {@code lib} and
 *       {@code targets/x86_64-linux/lib} directories;
 *   <li>pip layout {@code <root>/nvidia/<pkg>/lib}: roots from {@code GATUN_CUDA_PIP} (a path list of
 *       site-packages directories), then {@code $VIRTUAL_ENV} and {@code $CONDA_PREFIX}'s
 *       {@code lib/python3*}{@code /site-packages}, then the given default site-packages roots;
 *   <li>system directories: {@code LD_LIBRARY_PATH}, then the given default system directories.
 * </ol>
 */
public final class LibraryLocator {

    /** Where a library was found. */
    public enum Source { GATUN_CUDA_LIBS, CUDA_HOME, CUDA_PATH, PIP, SYSTEM }

    /** A found library. */
    public record Found(CudaLibrary library, Path path, Source source) {}

    /** A result: the hit, if any, and every directory looked in, for messages. */
    public record Result(CudaLibrary library, Optional<Found> found, List<Path> searched) {}

    /** Default system directories on Linux (never a {@code stubs} directory: its libcuda is a fake). */
    public static final List<Path> DEFAULT_SYSTEM_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"),
            Path.of("/usr/local/cuda/lib64"), Path.of("/usr/lib/wsl/lib"), Path.of("/lib/x86_64-linux-gnu"));

    private final Map<String, String> env;
    private final List<Path> defaultPipRoots;
    private final List<Path> defaultSystemDirs;

    /**
     * @param env environment variables to read ({@code System.getenv()} in production)
     * @param defaultPipRoots site-packages directories to probe after the environment's
     * @param defaultSystemDirs system library directories to probe last
     */
    public LibraryLocator(Map<String, String> env, List<Path> defaultPipRoots, List<Path> defaultSystemDirs) {
        this.env = Map.copyOf(env);
        this.defaultPipRoots = List.copyOf(defaultPipRoots);
        this.defaultSystemDirs = List.copyOf(defaultSystemDirs);
    }

    /** The locator for this process: real environment, well-known site-packages and system dirs. */
    public static LibraryLocator forThisMachine() {
        Map<String, String> env = System.getenv();
        List<Path> roots = new ArrayList<>();
        String home = System.getProperty("user.home");
        if (home != null) {
            roots.addAll(sitePackagesUnder(Path.of(home, ".local")));
            roots.add(Path.of(home, ".cache", "gatun", "nvidia"));
            roots.add(Path.of(home, ".cache", "gatun", "nccl"));
        }
        roots.addAll(sitePackagesUnder(Path.of("/usr/local")));
        roots.addAll(sitePackagesUnder(Path.of("/usr")));
        roots.add(Path.of("/usr/lib/python3/dist-packages"));
        return new LibraryLocator(env, roots, DEFAULT_SYSTEM_DIRS);
    }

    /** Finds one library. */
    public Result locate(CudaLibrary library) {
        List<Path> searched = new ArrayList<>();
        Optional<Found> hit = Optional.empty();
        for (Source source : Source.values()) {
            for (Path p : candidates(source)) {
                if (source == Source.GATUN_CUDA_LIBS && Files.isRegularFile(p)) {
                    searched.add(p);
                    if (library.fileNames().contains(p.getFileName().toString())) {
                        return new Result(library, Optional.of(new Found(library, p.toAbsolutePath(), source)), searched);
                    }
                    continue;
                }
                List<Path> dirs = source == Source.PIP ? pipLibDirs(p) : List.of(p);
                for (Path dir : dirs) {
                    searched.add(dir);
                    hit = inDir(library, dir, source);
                    if (hit.isPresent()) return new Result(library, hit, searched);
                }
            }
        }
        return new Result(library, Optional.empty(), searched);
    }

    private List<Path> candidates(Source source) {
        return switch (source) {
            case GATUN_CUDA_LIBS -> pathList(env.get("GATUN_CUDA_LIBS"));
            case CUDA_HOME -> cudaToolkitDirs(env.get("CUDA_HOME"));
            case CUDA_PATH -> cudaToolkitDirs(env.get("CUDA_PATH"));
            case PIP -> {
                Set<Path> roots = new LinkedHashSet<>(pathList(env.get("GATUN_CUDA_PIP")));
                for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
                    String v = env.get(var);
                    if (v != null && !v.isBlank()) roots.addAll(sitePackagesUnder(Path.of(v)));
                }
                roots.addAll(defaultPipRoots);
                yield List.copyOf(roots);
            }
            case SYSTEM -> {
                Set<Path> dirs = new LinkedHashSet<>(pathList(env.get("LD_LIBRARY_PATH")));
                dirs.addAll(defaultSystemDirs);
                dirs.removeIf(d -> d.getFileName() != null && d.getFileName().toString().equals("stubs"));
                yield List.copyOf(dirs);
            }
        };
    }

    private static Optional<Found> inDir(CudaLibrary library, Path dir, Source source) {
        for (String name : library.fileNames()) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) return Optional.of(new Found(library, f.toAbsolutePath(), source));
        }
        return Optional.empty();
    }

    /** {@code root/nvidia/<pkg>/lib} for every package directory, sorted for a stable order. */
    static List<Path> pipLibDirs(Path root) {
        Path nvidia = root.resolve("nvidia");
        if (!Files.isDirectory(nvidia)) return List.of();
        try (Stream<Path> s = Files.list(nvidia)) {
            return s.map(p -> p.resolve("lib")).filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> cudaToolkitDirs(String home) {
        if (home == null || home.isBlank()) return List.of();
        Path h = Path.of(home);
        return List.of(h.resolve("lib64"), h.resolve("lib"), h.resolve("targets/x86_64-linux/lib"));
    }

    static List<Path> pathList(String value) {
        if (value == null || value.isBlank()) return List.of();
        List<Path> out = new ArrayList<>();
        for (String s : value.split(File.pathSeparator)) {
            if (!s.isBlank()) out.add(Path.of(s.strip()));
        }
        return out;
    }

    /** {@code prefix/lib/python3*}{@code /site-packages}, existing ones only. */
    static List<Path> sitePackagesUnder(Path prefix) {
        Path lib = prefix.resolve("lib");
        if (!Files.isDirectory(lib)) return List.of();
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(lib, "python3*")) {
            for (Path py : ds) {
                Path sp = py.resolve("site-packages");
                if (Files.isDirectory(sp)) out.add(sp);
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }
}
