package dev.gatun.bindings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.util.List;

/**
 * Open MPI's predefined handles. {@code mpi.h} defines {@code MPI_COMM_WORLD}, {@code MPI_FLOAT},
 * {@code MPI_SUM} and the others as the addresses of global structs ({@code ompi_mpi_comm_world},
 * ...) whose type it leaves incomplete, so jextract cannot bind them; this looks the symbols up by
 * name in the loaded {@code libmpi.so.40}. Every name here is listed as a {@code # handle} line in
 * {@code bindings/jextract/mpi.args}.
 *
 * @param commWorld {@code MPI_COMM_WORLD}
 * @param floatType {@code MPI_FLOAT}
 * @param doubleType {@code MPI_DOUBLE}
 * @param intType {@code MPI_INT}
 * @param longType {@code MPI_LONG}
 * @param byteType {@code MPI_BYTE}
 * @param sum {@code MPI_SUM}
 * @param max {@code MPI_MAX}
 * @param errorsReturn {@code MPI_ERRORS_RETURN}
 */
public record MpiHandles(MemorySegment commWorld, MemorySegment floatType, MemorySegment doubleType,
                         MemorySegment intType, MemorySegment longType, MemorySegment byteType,
                         MemorySegment sum, MemorySegment max, MemorySegment errorsReturn) {

    /** The symbol names, in the order of this record's components. */
    public static final List<String> SYMBOLS = List.of("ompi_mpi_comm_world", "ompi_mpi_float", "ompi_mpi_double",
            "ompi_mpi_int", "ompi_mpi_long", "ompi_mpi_byte", "ompi_mpi_op_sum", "ompi_mpi_op_max",
            "ompi_mpi_errors_return");

    /**
     * Resolves every handle; loads libmpi first.
     *
     * @return the handles
     * @throws IllegalStateException when libmpi cannot be loaded or lacks a symbol
     */
    public static MpiHandles resolve() {
        MpiLibrary.require();
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        MemorySegment[] s = new MemorySegment[SYMBOLS.size()];
        for (int i = 0; i < s.length; i++) {
            String name = SYMBOLS.get(i);
            s[i] = lookup.find(name).orElseThrow(() -> new IllegalStateException(
                    MpiLibrary.SONAME + " does not export " + name + ": not Open MPI 4.x?"));
        }
        return new MpiHandles(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]);
    }
}
