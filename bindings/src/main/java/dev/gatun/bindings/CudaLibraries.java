package dev.gatun.bindings;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the CUDA libraries by absolute path with {@link System#load}, so that the generated
 * bindings (which use {@code SymbolLookup.loaderLookup()}) find their symbols. The runtime, cuBLAS
 * and cuDNN are opened on first use of {@link #get()}; the driver (libcuda.so.1) and NCCL only
 * when asked for, since the driver exists only where an NVIDIA driver is installed and NCCL only
 * matters to multi-GPU training. Nothing here throws on a missing
 * library: each outcome is recorded and reported by {@link #describe()}.
 */
public final class CudaLibraries {

    /** What happened to one library. */
    public record Loaded(CudaLibrary library, Optional<Path> path, Optional<LibraryLocator.Source> source,
                         Optional<String> problem, List<Path> searched) {
        public boolean ok() {
            return problem.isEmpty();
        }

        /** One line for {@code gatun info}. */
        public String describe() {
            return ok()
                    ? library.soname() + ": " + path.orElseThrow() + " (" + source.orElseThrow() + ")"
                    : library.soname() + ": not loaded: " + problem.orElseThrow();
        }
    }

    private static final class Holder {
        static final CudaLibraries INSTANCE = new CudaLibraries(LibraryLocator.forThisMachine());
    }

    private final LibraryLocator locator;
    private final Map<CudaLibrary, Loaded> loaded = new EnumMap<>(CudaLibrary.class);

    private CudaLibraries(LibraryLocator locator) {
        this.locator = locator;
        // Order matters only for clarity: each library finds its own dependencies through RUNPATH.
        for (CudaLibrary lib : List.of(CudaLibrary.CUDART, CudaLibrary.CUBLAS, CudaLibrary.CUDNN)) {
            loaded.put(lib, open(lib));
        }
    }

    /** The process-wide instance; opens the runtime, cuBLAS and cuDNN on first call. */
    public static CudaLibraries get() {
        return Holder.INSTANCE;
    }

    /** The outcome for a library; for the driver this opens it on first call. */
    public synchronized Loaded library(CudaLibrary lib) {
        return loaded.computeIfAbsent(lib, this::open);
    }

    public boolean isLoaded(CudaLibrary lib) {
        return library(lib).ok();
    }

    /**
     * Throws {@link NoGpuException} naming what was searched when the library is not open. Call
     * before the first use of a generated function: otherwise a missing symbol surfaces as an
     * ExceptionInInitializerError from the generated code.
     */
    public void require(CudaLibrary lib) {
        Loaded l = library(lib);
        if (!l.ok()) {
            throw new NoGpuException(lib.soname(), "load", -1, l.problem().orElseThrow());
        }
    }

    /** One line per library, runtime first, the driver last. */
    public List<String> describe() {
        return java.util.Arrays.stream(CudaLibrary.values()).map(l -> library(l).describe()).toList();
    }

    @SuppressWarnings("restricted")
    private Loaded open(CudaLibrary lib) {
        LibraryLocator.Result r = locator.locate(lib);
        if (r.found().isEmpty()) {
            String why = lib == CudaLibrary.DRIVER
                    ? "not found: no NVIDIA driver installed, so no GPU"
                    : lib == CudaLibrary.NCCL
                    ? "not found (run `make nccl-libs`, or set GATUN_CUDA_PIP to the site-packages holding"
                      + " nvidia/nccl/lib, or GATUN_CUDA_LIBS to its directory); searched " + r.searched().size()
                      + " directories"
                    : "not found (set GATUN_CUDA_LIBS to its directory, or GATUN_CUDA_PIP to the"
                      + " site-packages holding nvidia/*/lib); searched " + r.searched().size() + " directories";
            return new Loaded(lib, Optional.empty(), Optional.empty(), Optional.of(why), r.searched());
        }
        LibraryLocator.Found f = r.found().get();
        try {
            System.load(f.path().toString());
            return new Loaded(lib, Optional.of(f.path()), Optional.of(f.source()), Optional.empty(), r.searched());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return new Loaded(lib, Optional.of(f.path()), Optional.of(f.source()),
                    Optional.of("found at " + f.path() + " but could not be opened: " + e.getMessage()), r.searched());
        }
    }
}
