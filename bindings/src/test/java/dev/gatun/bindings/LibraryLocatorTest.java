package dev.gatun.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Search order of {@link LibraryLocator}, on temp directories and fake environments only. */
class LibraryLocatorTest {
    @TempDir Path tmp;

    private Path lib(String dir, String name) throws IOException {
        Path d = tmp.resolve(dir);
        Files.createDirectories(d);
        return Files.writeString(d.resolve(name), "not really ELF");
    }

    private LibraryLocator.Found find(Map<String, String> env, List<Path> pipRoots, List<Path> systemDirs, CudaLibrary l) {
        return new LibraryLocator(env, pipRoots, systemDirs).locate(l).found().orElseThrow();
    }

    @Test
    void gatunCudaLibsBeatsEverythingElse() throws IOException {
        Path mine = lib("mine", "libcudart.so.13");
        lib("toolkit/lib64", "libcudart.so.13");
        lib("site/nvidia/cu13/lib", "libcudart.so.13");
        lib("sys", "libcudart.so.13");
        var f = find(Map.of("GATUN_CUDA_LIBS", tmp.resolve("mine").toString(), "CUDA_HOME", tmp.resolve("toolkit").toString()),
                List.of(tmp.resolve("site")), List.of(tmp.resolve("sys")), CudaLibrary.CUDART);
        assertEquals(mine, f.path());
        assertEquals(LibraryLocator.Source.GATUN_CUDA_LIBS, f.source());
    }

    @Test
    void gatunCudaLibsIsAPathListOfDirsOrFiles() throws IOException {
        Path cudnn = lib("b", "libcudnn.so.9");
        Path cublas = lib("c", "libcublas.so.13");
        String list = tmp.resolve("a") + File.pathSeparator + tmp.resolve("b") + File.pathSeparator + cublas;
        Map<String, String> env = Map.of("GATUN_CUDA_LIBS", list);
        assertEquals(cudnn, find(env, List.of(), List.of(), CudaLibrary.CUDNN).path());
        assertEquals(cublas, find(env, List.of(), List.of(), CudaLibrary.CUBLAS).path());
    }

    @Test
    void cudaHomeThenCudaPathThenPipThenSystem() throws IOException {
        lib("home/lib64", "libcublas.so.13");
        lib("path/lib64", "libcublas.so.13");
        lib("path/lib64", "libcudnn.so.9");
        lib("site/nvidia/cudnn/lib", "libcudnn.so.9");
        lib("site/nvidia/cu13/lib", "libcudart.so.13");
        lib("sys", "libcudart.so.13");
        lib("sys", "libcuda.so.1");
        Map<String, String> env = Map.of("CUDA_HOME", tmp.resolve("home").toString(), "CUDA_PATH", tmp.resolve("path").toString());
        List<Path> pip = List.of(tmp.resolve("site"));
        List<Path> sys = List.of(tmp.resolve("sys"));
        assertEquals(LibraryLocator.Source.CUDA_HOME, find(env, pip, sys, CudaLibrary.CUBLAS).source());
        assertEquals(LibraryLocator.Source.CUDA_PATH, find(env, pip, sys, CudaLibrary.CUDNN).source());
        var rt = find(env, pip, sys, CudaLibrary.CUDART);
        assertEquals(LibraryLocator.Source.PIP, rt.source());
        assertEquals(tmp.resolve("site/nvidia/cu13/lib/libcudart.so.13"), rt.path());
        assertEquals(LibraryLocator.Source.SYSTEM, find(env, pip, sys, CudaLibrary.DRIVER).source());
    }

    @Test
    void pipRootsFromEnvironmentComeBeforeDefaults() throws IOException {
        lib("default/nvidia/cudnn/lib", "libcudnn.so.9");
        Path viaEnv = lib("pip-env/nvidia/cudnn/lib", "libcudnn.so.9");
        Path viaVenv = lib("venv/lib/python3.12/site-packages/nvidia/cudnn/lib", "libcudnn.so.9");
        List<Path> defaults = List.of(tmp.resolve("default"));
        assertEquals(viaEnv, find(Map.of("GATUN_CUDA_PIP", tmp.resolve("pip-env").toString(),
                "VIRTUAL_ENV", tmp.resolve("venv").toString()), defaults, List.of(), CudaLibrary.CUDNN).path());
        assertEquals(viaVenv, find(Map.of("VIRTUAL_ENV", tmp.resolve("venv").toString()), defaults, List.of(), CudaLibrary.CUDNN).path());
        assertEquals(tmp.resolve("default/nvidia/cudnn/lib/libcudnn.so.9"), find(Map.of(), defaults, List.of(), CudaLibrary.CUDNN).path());
    }

    @Test
    void ldLibraryPathComesBeforeDefaultSystemDirsAndStubsAreNeverUsed() throws IOException {
        lib("cuda/lib64/stubs", "libcuda.so.1");
        Path real = lib("driver", "libcuda.so.1");
        String ld = tmp.resolve("cuda/lib64/stubs") + File.pathSeparator + tmp.resolve("driver");
        var f = find(Map.of("LD_LIBRARY_PATH", ld), List.of(), List.of(tmp.resolve("cuda/lib64/stubs")), CudaLibrary.DRIVER);
        assertEquals(real, f.path());
    }

    @Test
    void unversionedNameIsAcceptedWhenVersionedIsAbsent() throws IOException {
        Path plain = lib("d", "libcudart.so");
        assertEquals(plain, find(Map.of("GATUN_CUDA_LIBS", tmp.resolve("d").toString()), List.of(), List.of(), CudaLibrary.CUDART).path());
    }

    @Test
    void notFoundListsWhatWasSearched() {
        var r = new LibraryLocator(Map.of("CUDA_HOME", tmp.resolve("nothing").toString()), List.of(), List.of(tmp.resolve("sys")))
                .locate(CudaLibrary.CUDNN);
        assertFalse(r.found().isPresent());
        assertTrue(r.searched().contains(tmp.resolve("nothing/lib64")), r.searched().toString());
        assertTrue(r.searched().contains(tmp.resolve("sys")), r.searched().toString());
    }
}
