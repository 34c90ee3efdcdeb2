package dev.gatun.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every function named in bindings/jextract/*.args is (1) present in the generated header class,
 * so the generated code is not stale, and (2) exported by the real library.
 */
class BoundSymbolsTest {

    static List<String> functions(String argsFile) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("jextract", argsFile))) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 2 && w[0].equals("--include-function")) out.add(w[1]);
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "cudart.args, dev.gatun.bindings.cuda.runtime.cudart_h",
        "cuda.args, dev.gatun.bindings.cuda.driver.cuda_h",
        "cublas.args, dev.gatun.bindings.cublas.cublas_h",
        "cudnn.args, dev.gatun.bindings.cudnn.cudnn_h",
        "nccl.args, dev.gatun.bindings.nccl.nccl_h",
        "mpi.args, dev.gatun.bindings.mpi.mpi_h"})
    void generatedClassHasEveryFunction(String args, String headerClass) throws Exception {
        // Class.forName without initialising: naming methods needs no library.
        Class<?> c = Class.forName(headerClass, false, getClass().getClassLoader());
        Set<String> methods = Arrays.stream(c.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        List<String> fns = functions(args);
        assertFalse(fns.isEmpty(), args);
        List<String> missing = fns.stream().filter(f -> !methods.contains(f)).toList();
        assertEquals(List.of(), missing, "in " + args + " but not generated: rerun make bindings");
    }

    @ParameterizedTest
    @CsvSource({"cudart.args, CUDART", "cuda.args, DRIVER", "cublas.args, CUBLAS", "cudnn.args, CUDNN", "nccl.args, NCCL"})
    void everyBoundFunctionResolvesInTheRealLibrary(String args, CudaLibrary lib) throws IOException {
        CudaLibraries.Loaded l = NativeTestSupport.requireInstalled(lib);
        List<String> fns = functions(args);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lookup = SymbolLookup.libraryLookup(l.path().orElseThrow(), arena);
            List<String> unresolved = fns.stream().filter(f -> lookup.find(f).isEmpty()).toList();
            assertEquals(List.of(), unresolved, "not exported by " + l.path().orElseThrow());
        }
        assertTrue(fns.size() > 10, args + " binds only " + fns.size() + " functions");
    }

    /** Open MPI's functions and the handle symbols {@link MpiHandles} looks up ({@code # handle} lines). */
    @Test
    void everyMpiFunctionAndHandleResolvesInLibmpi() throws IOException {
        MpiLibrary.Loaded l = MpiLibrary.get();
        assumeTrue(l.ok(), () -> MpiLibrary.SONAME + " is not installed here (" + l.problem().orElseThrow()
                + "); 'apt-get install openmpi-bin libopenmpi-dev' (make test does it when root).");
        List<String> handles = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("jextract", "mpi.args"))) {
            String[] w = line.strip().split("\\s+");
            if (w.length == 3 && w[0].equals("#") && w[1].equals("handle")) handles.add(w[2]);
        }
        assertEquals(MpiHandles.SYMBOLS, handles, "mpi.args' # handle lines and MpiHandles.SYMBOLS differ");
        List<String> names = new ArrayList<>(functions("mpi.args"));
        names.addAll(handles);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lookup = SymbolLookup.libraryLookup(l.path().orElseThrow(), arena);
            List<String> unresolved = names.stream().filter(f -> lookup.find(f).isEmpty()).toList();
            assertEquals(List.of(), unresolved, "not exported by " + l.path().orElseThrow());
        }
        assertTrue(functions("mpi.args").size() > 10, "mpi.args binds only " + functions("mpi.args").size() + " functions");
    }
}
