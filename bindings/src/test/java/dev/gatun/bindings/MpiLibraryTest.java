package dev.gatun.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@link MpiLibrary} looks for libmpi.so.40, on temp directories and fake environments only. */
class MpiLibraryTest {
    @TempDir Path tmp;

    private Path lib(String dir, String name) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        return Files.writeString(d.resolve(name), "not really ELF");
    }

    @Test
    void gatunMpiLibBeatsLdLibraryPathWhichBeatsTheSystem() throws IOException {
        Path mine = lib("mine", "libmpi.so.40");
        Path ld = lib("ld", "libmpi.so.40");
        lib("sys", "libmpi.so.40");
        List<Path> sys = List.of(tmp.resolve("sys"));
        assertEquals(Optional.of(mine), MpiLibrary.locate(Map.of("GATUN_MPI_LIB", tmp.resolve("mine").toString(),
                "LD_LIBRARY_PATH", tmp.resolve("ld").toString()), sys).path());
        assertEquals(Optional.of(ld), MpiLibrary.locate(Map.of("LD_LIBRARY_PATH", tmp.resolve("ld").toString()), sys).path());
        assertEquals(Optional.of(tmp.resolve("sys/libmpi.so.40").toAbsolutePath()), MpiLibrary.locate(Map.of(), sys).path());
    }

    @Test
    void aFileInGatunMpiLibIsTakenByNameAndTheSonameIsPreferred() throws IOException {
        Path file = lib("opt", "libmpi.so");
        assertEquals(Optional.of(file.toAbsolutePath()),
                MpiLibrary.locate(Map.of("GATUN_MPI_LIB", file.toString()), List.of()).path());
        Path both = lib("both", "libmpi.so");
        lib("both", "libmpi.so.40");
        assertEquals(Optional.of(both.resolveSibling("libmpi.so.40").toAbsolutePath()),
                MpiLibrary.locate(Map.of("GATUN_MPI_LIB", tmp.resolve("both").toString()), List.of()).path());
    }

    @Test
    void nothingFoundListsWhereItLooked() {
        MpiLibrary.Located l = MpiLibrary.locate(Map.of("GATUN_MPI_LIB", tmp.resolve("none").toString()),
                List.of(tmp.resolve("sys")));
        assertTrue(l.path().isEmpty());
        assertEquals(List.of(tmp.resolve("none"), tmp.resolve("sys")), l.searched());
    }
}
