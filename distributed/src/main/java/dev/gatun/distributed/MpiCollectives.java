package dev.gatun.distributed;

import dev.gatun.bindings.MpiHandles;
import dev.gatun.bindings.MpiStatus;
import dev.gatun.bindings.mpi.mpi_h;
import dev.gatun.train.parallel.Collectives;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;

/**
 * {@link Collectives} over Open MPI, through the jextract bindings: one process per rank, on one
 * host or many. It works on its own duplicate of {@code MPI_COMM_WORLD} whose error handler
 * returns codes, so every failure becomes an {@link dev.gatun.bindings.MpiException} with MPI's
 * error string. The all-reduce is train's deterministic default ({@code MPI_Alltoallv} of one
 * chunk per rank, a float64 sum in rank order of this rank's chunk, {@code MPI_Allgatherv} of the
 * sums), not {@code MPI_Allreduce}, whose summation order Open MPI chooses. Every
 * collective runs under a {@link CollectiveWatchdog}. Call everything from one thread.
 */
public final class MpiCollectives implements Collectives {
    private final MpiHandles mpi;
    private final MemorySegment comm;
    private final int rank;
    private final int size;
    private final String processor;
    private final CollectiveWatchdog watchdog;
    private boolean closed;

    private MpiCollectives(MpiHandles mpi, MemorySegment comm, int rank, int size, String processor, int timeoutSeconds) {
        this.mpi = mpi;
        this.comm = comm;
        this.rank = rank;
        this.size = size;
        this.processor = processor;
        this.watchdog = new CollectiveWatchdog("rank " + rank + " of " + size + " (" + processor + ")", timeoutSeconds,
                System.err, Runtime.getRuntime()::halt);
    }

    /**
     * Initializes MPI in this process, which {@code mpirun} must have started.
     *
     * @param env the environment ({@code System.getenv()})
     * @return the collectives over every rank of the job
     * @throws IllegalStateException with how to launch, when mpirun did not start this process, or
     *     when libmpi cannot be loaded
     */
    public static MpiCollectives init(Map<String, String> env) {
        MpiLaunch.require(env);
        int timeout = CollectiveWatchdog.limitSeconds(env.get(CollectiveWatchdog.TIMEOUT_ENV));
        MpiHandles mpi = MpiHandles.resolve();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flag = arena.allocate(ValueLayout.JAVA_INT);
            MpiStatus.check(mpi_h.MPI_Initialized(flag), "MPI_Initialized");
            if (flag.get(ValueLayout.JAVA_INT, 0) == 0) {
                MemorySegment provided = arena.allocate(ValueLayout.JAVA_INT);
                // Only the training thread calls MPI; the watchdog never does.
                MpiStatus.check(mpi_h.MPI_Init_thread(MemorySegment.NULL, MemorySegment.NULL,
                        mpi_h.MPI_THREAD_FUNNELED(), provided), "MPI_Init_thread");
            }
            MemorySegment dup = arena.allocate(ValueLayout.ADDRESS);
            MpiStatus.check(mpi_h.MPI_Comm_dup(mpi.commWorld(), dup), "MPI_Comm_dup");
            MemorySegment comm = dup.get(ValueLayout.ADDRESS, 0);
            MpiStatus.check(mpi_h.MPI_Comm_set_errhandler(comm, mpi.errorsReturn()), "MPI_Comm_set_errhandler");
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            MpiStatus.check(mpi_h.MPI_Comm_rank(comm, value), "MPI_Comm_rank");
            int rank = value.get(ValueLayout.JAVA_INT, 0);
            MpiStatus.check(mpi_h.MPI_Comm_size(comm, value), "MPI_Comm_size");
            int size = value.get(ValueLayout.JAVA_INT, 0);
            MemorySegment name = arena.allocate(mpi_h.MPI_MAX_PROCESSOR_NAME() + 1L);
            MpiStatus.check(mpi_h.MPI_Get_processor_name(name, value), "MPI_Get_processor_name");
            return new MpiCollectives(mpi, comm, rank, size, name.getString(0), timeout);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String describe() {
        return "MPI rank " + rank + " of " + size + " on " + processor;
    }

    @Override
    public float[] allGather(float[] mine) {
        try (Arena arena = Arena.ofConfined()) {
            return gather(arena, arena.allocateFrom(ValueLayout.JAVA_FLOAT, mine), mine.length, mpi.floatType())
                    .toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @Override
    public double[] allGather(double[] mine) {
        try (Arena arena = Arena.ofConfined()) {
            return gather(arena, arena.allocateFrom(ValueLayout.JAVA_DOUBLE, mine), mine.length, mpi.doubleType())
                    .toArray(ValueLayout.JAVA_DOUBLE);
        }
    }

    @Override
    public byte[] allGather(byte[] mine) {
        try (Arena arena = Arena.ofConfined()) {
            return gather(arena, arena.allocateFrom(ValueLayout.JAVA_BYTE, mine), mine.length, mpi.byteType())
                    .toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** MPI_Allgather of {@code count} elements of {@code type} per rank into a new segment of {@code arena}. */
    private MemorySegment gather(Arena arena, MemorySegment send, int count, MemorySegment type) {
        MemorySegment recv = arena.allocate(send.byteSize() * size);
        run("MPI_Allgather", () -> mpi_h.MPI_Allgather(send, count, type, recv, count, type, comm));
        return recv;
    }

    @Override
    public void allToAll(MemorySegment send, int[] chunks, MemorySegment recv) {
        requireChunks(chunks);
        int mine = chunks[rank];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sendCounts = arena.allocateFrom(ValueLayout.JAVA_INT, chunks);
            MemorySegment sendDispls = arena.allocateFrom(ValueLayout.JAVA_INT, offsets(chunks));
            int[] same = new int[size];
            Arrays.fill(same, mine);
            MemorySegment recvCounts = arena.allocateFrom(ValueLayout.JAVA_INT, same);
            MemorySegment recvDispls = arena.allocateFrom(ValueLayout.JAVA_INT, offsets(same));
            MemorySegment type = mpi.floatType();
            run("MPI_Alltoallv", () -> mpi_h.MPI_Alltoallv(send, sendCounts, sendDispls, type, recv, recvCounts,
                    recvDispls, type, comm));
        }
    }

    @Override
    public void allGather(MemorySegment mine, int[] chunks, MemorySegment out) {
        requireChunks(chunks);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counts = arena.allocateFrom(ValueLayout.JAVA_INT, chunks);
            MemorySegment displs = arena.allocateFrom(ValueLayout.JAVA_INT, offsets(chunks));
            MemorySegment type = mpi.floatType();
            run("MPI_Allgatherv", () -> mpi_h.MPI_Allgatherv(mine, chunks[rank], type, out, counts, displs, type, comm));
        }
    }

    private void requireChunks(int[] chunks) {
        if (chunks.length != size) {
            throw new IllegalArgumentException(chunks.length + " chunks for " + size + " ranks");
        }
    }

    /** MPI's displacements: where each chunk starts, in elements. */
    private static int[] offsets(int[] chunks) {
        int[] at = new int[chunks.length];
        for (int r = 1; r < chunks.length; r++) {
            at[r] = Math.addExact(at[r - 1], chunks[r - 1]);
        }
        return at;
    }

    @Override
    public void broadcast(float[] data, int root) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data);
            bcast(buf, data.length, mpi.floatType(), root);
            MemorySegment.copy(buf, ValueLayout.JAVA_FLOAT, 0, data, 0, data.length);
        }
    }

    @Override
    public void broadcast(byte[] data, int root) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            bcast(buf, data.length, mpi.byteType(), root);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        }
    }

    private void bcast(MemorySegment buf, int count, MemorySegment type, int root) {
        run("MPI_Bcast", () -> mpi_h.MPI_Bcast(buf, count, type, root, comm));
    }

    @Override
    public void barrier() {
        run("MPI_Barrier", () -> mpi_h.MPI_Barrier(comm));
    }

    @Override
    public void abort(String message, int status) {
        System.err.println(message);
        System.err.flush();
        mpi_h.MPI_Abort(comm, status);
        // MPI_Abort should not return; if it does, leaving still makes mpirun stop the others.
        Runtime.getRuntime().halt(status);
    }

    /** Frees the communicator and finalizes MPI; no collective may follow. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(ValueLayout.ADDRESS);
            c.set(ValueLayout.ADDRESS, 0, comm);
            run("MPI_Comm_free", () -> mpi_h.MPI_Comm_free(c));
            run("MPI_Finalize", mpi_h::MPI_Finalize);
        } finally {
            watchdog.close();
        }
    }

    /** One MPI call under the watchdog, its status checked. */
    private void run(String function, java.util.function.IntSupplier call) {
        if (closed && !function.equals("MPI_Comm_free") && !function.equals("MPI_Finalize")) {
            throw new IllegalStateException(function + " after MPI was finalized");
        }
        watchdog.enter(function);
        try {
            MpiStatus.check(call.getAsInt(), function);
        } finally {
            watchdog.leave();
        }
    }
}
