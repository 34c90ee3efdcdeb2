package dev.gatun.bindings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and opens Open MPI's {@code libmpi.so.40} by absolute path with {@link System#load}, so
 * that the generated {@code mpi_h} (which uses {@code SymbolLookup.loaderLookup()}) finds its
 * symbols. Search order, first hit wins: {@code GATUN_MPI_LIB} (a path list of directories or
 * library files), then {@code LD_LIBRARY_PATH}, then the system directories (Debian's
 * {@code libopenmpi-dev} puts it in {@code /usr/lib/x86_64-linux-gnu}).
 */
public final class MpiLibrary {
    /** The versioned name the bindings are built against (Open MPI 4.x). */
    public static final String SONAME = "libmpi.so.40";
    private static final List<String> FILE_NAMES = List.of(SONAME, "libmpi.so");

    /**
     * What happened when opening the library.
     *
     * @param path where it was found, if it was
     * @param problem why it is not usable, if it is not
     * @param searched every directory or file looked at
     */
    public record Loaded(Optional<Path> path, Optional<String> problem, List<Path> searched) {
        /** {@return whether the library is open} */
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    private static final class Holder {
        static final Loaded INSTANCE = open(locate(System.getenv(), LibraryLocator.DEFAULT_SYSTEM_DIRS));
    }

    private MpiLibrary() {}

    /** {@return the outcome of opening libmpi, which happens on the first call} */
    public static Loaded get() {
        return Holder.INSTANCE;
    }

    /**
     * Throws {@link IllegalStateException} naming what was searched unless libmpi is open; call it
     * before the first use of a generated MPI function.
     */
    public static void require() {
        Loaded l = get();
        if (!l.ok()) {
            throw new IllegalStateException(SONAME + " could not be loaded: " + l.problem().orElseThrow());
        }
    }

    /**
     * Finds the library without opening it.
     *
     * @param env the environment to read
     * @param systemDirs the system directories to probe last
     * @return the library's path, if found, and every place looked at
     */
    static Located locate(Map<String, String> env, List<Path> systemDirs) {
        List<Path> searched = new ArrayList<>();
        for (Path p : LibraryLocator.pathList(env.get("GATUN_MPI_LIB"))) {
            searched.add(p);
            if (Files.isRegularFile(p)) {
                if (FILE_NAMES.contains(p.getFileName().toString())) return new Located(Optional.of(p.toAbsolutePath()), searched);
                continue;
            }
            Optional<Path> hit = inDir(p);
            if (hit.isPresent()) return new Located(hit, searched);
        }
        Set<Path> dirs = new LinkedHashSet<>(LibraryLocator.pathList(env.get("LD_LIBRARY_PATH")));
        dirs.addAll(systemDirs);
        for (Path d : dirs) {
            searched.add(d);
            Optional<Path> hit = inDir(d);
            if (hit.isPresent()) return new Located(hit, searched);
        }
        return new Located(Optional.empty(), searched);
    }

    /** A search's outcome: the library's path, if found, and every place looked at. */
    record Located(Optional<Path> path, List<Path> searched) {}

    private static Optional<Path> inDir(Path dir) {
        for (String name : FILE_NAMES) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) return Optional.of(f.toAbsolutePath());
        }
        return Optional.empty();
    }

    @SuppressWarnings("restricted")
    private static Loaded open(Located located) {
        if (located.path().isEmpty()) {
            return new Loaded(Optional.empty(), Optional.of("not found (install Open MPI: 'apt-get install openmpi-bin"
                    + " libopenmpi-dev', or set GATUN_MPI_LIB to the directory holding " + SONAME + "); searched "
                    + located.searched().size() + " places"), located.searched());
        }
        Path p = located.path().get();
        try {
            System.load(p.toString());
            return new Loaded(Optional.of(p), Optional.empty(), located.searched());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return new Loaded(Optional.of(p), Optional.of("found at " + p + " but could not be opened: " + e.getMessage()),
                    located.searched());
        }
    }
}
