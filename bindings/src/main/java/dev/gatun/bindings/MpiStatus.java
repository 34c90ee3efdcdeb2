package dev.gatun.bindings;

import dev.gatun.bindings.mpi.mpi_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Turns MPI return codes into {@link MpiException}s carrying {@code MPI_Error_string}'s text. */
public final class MpiStatus {
    private MpiStatus() {}

    /**
     * Throws unless {@code status} is {@code MPI_SUCCESS}.
     *
     * @param status the return code
     * @param function the MPI function that returned it
     */
    public static void check(int status, String function) {
        if (status == mpi_h.MPI_SUCCESS()) return;
        throw new MpiException(function, status, errorText(status));
    }

    /**
     * MPI's error string for {@code code}, e.g. "MPI_ERR_TRUNCATE: message truncated".
     *
     * @param code an MPI error code
     * @return the library's text, or "MPI error CODE" when it has none
     */
    public static String errorText(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(mpi_h.MPI_MAX_ERROR_STRING() + 1L);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            if (mpi_h.MPI_Error_string(code, text, length) != mpi_h.MPI_SUCCESS()) return "MPI error " + code;
            return text.getString(0);
        }
    }
}
