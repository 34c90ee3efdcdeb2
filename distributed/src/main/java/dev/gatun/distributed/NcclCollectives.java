package dev.gatun.distributed;

import dev.gatun.bindings.CudaException;
import dev.gatun.bindings.CudaLibraries;
import dev.gatun.bindings.CudaLibrary;
import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.bindings.nccl.nccl_h;
import dev.gatun.bindings.nccl.ncclUniqueId;
import dev.gatun.train.parallel.Collectives;
import dev.gatun.train.parallel.Reduction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.ToIntFunction;

/**
 * {@link Collectives} over NCCL, one process per GPU: rank 0 draws NCCL's unique id and
 * broadcasts it over MPI ({@link MpiCollectives}, which also serves as this group's barrier), then
 * every rank joins the NCCL communicator on GPU {@code localRank}. The arrays are host arrays,
 * staged through device buffers on the default stream: a correct path for the interface, not yet
 * the fast one (gradients that stay on the device, an all-reduce overlapping backward).
 *
 * <p>{@link #allReduce(float[], Reduction)} is NCCL's own ({@code ncclSum}, {@code ncclAvg}), whose
 * summation order NCCL chooses: results agree across ranks, but are not the rank-order float64
 * sum of the MPI path. The double and byte variants fall back on the gather of the default, and
 * the segment collectives (host memory, the deterministic all-reduce's steps) on MPI's.
 */
public final class NcclCollectives implements Collectives {
    private final MpiCollectives bootstrap;
    private final MemorySegment comm;

    private NcclCollectives(MpiCollectives bootstrap, MemorySegment comm) {
        this.bootstrap = bootstrap;
        this.comm = comm;
    }

    /**
     * Joins every rank of {@code bootstrap} into a NCCL communicator, this rank on GPU
     * {@code device}.
     *
     * @param bootstrap the MPI ranks, which carry the unique id
     * @param device the CUDA device of this rank (its rank on its host, usually)
     * @return the collectives
     * @throws dev.gatun.bindings.NoGpuException without a GPU
     * @throws CudaException when NCCL or CUDA fails, with the library's error string
     */
    public static NcclCollectives init(MpiCollectives bootstrap, int device) {
        CudaLibraries.get().require(CudaLibrary.CUDART);
        CudaLibraries.get().require(CudaLibrary.NCCL);
        CudaStatus.checkRuntime(cudart_h.cudaSetDevice(device), "cudaSetDevice");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(ncclUniqueId.layout());
            if (bootstrap.isRoot()) {
                check(nccl_h.ncclGetUniqueId(id), "ncclGetUniqueId");
            }
            byte[] bytes = id.toArray(ValueLayout.JAVA_BYTE);
            bootstrap.broadcast(bytes, 0);
            MemorySegment.copy(bytes, 0, id, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            check(nccl_h.ncclCommInitRank(out, bootstrap.size(), id, bootstrap.rank()), "ncclCommInitRank");
            return new NcclCollectives(bootstrap, out.get(ValueLayout.ADDRESS, 0));
        }
    }

    @Override
    public int rank() {
        return bootstrap.rank();
    }

    @Override
    public int size() {
        return bootstrap.size();
    }

    @Override
    public String describe() {
        return "NCCL rank " + rank() + " of " + size() + " (bootstrap: " + bootstrap.describe() + ")";
    }

    @Override
    public void allReduce(float[] data, Reduction reduction) {
        int op = switch (reduction) {
            case SUM -> nccl_h.ncclSum();
            case MEAN -> nccl_h.ncclAvg();
        };
        inPlace(data, "ncclAllReduce", buf -> nccl_h.ncclAllReduce(buf, buf, data.length, nccl_h.ncclFloat32(), op, comm,
                MemorySegment.NULL));
    }

    @Override
    public float[] allGather(float[] mine) {
        long bytes = (long) mine.length * Float.BYTES;
        try (Arena arena = Arena.ofConfined(); DeviceBuffer send = new DeviceBuffer(bytes);
                DeviceBuffer recv = new DeviceBuffer(bytes * size())) {
            send.upload(arena.allocateFrom(ValueLayout.JAVA_FLOAT, mine));
            check(nccl_h.ncclAllGather(send.pointer(), recv.pointer(), mine.length, nccl_h.ncclFloat32(), comm,
                    MemorySegment.NULL), "ncclAllGather");
            MemorySegment host = arena.allocate(ValueLayout.JAVA_FLOAT, (long) mine.length * size());
            recv.download(host);
            return host.toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    @Override
    public double[] allGather(double[] mine) {
        return bootstrap.allGather(mine);
    }

    @Override
    public byte[] allGather(byte[] mine) {
        return bootstrap.allGather(mine);
    }

    @Override
    public void allToAll(MemorySegment send, int[] chunks, MemorySegment recv) {
        bootstrap.allToAll(send, chunks, recv);
    }

    @Override
    public void allGather(MemorySegment mine, int[] chunks, MemorySegment out) {
        bootstrap.allGather(mine, chunks, out);
    }

    @Override
    public void broadcast(float[] data, int root) {
        inPlace(data, "ncclBroadcast", buf -> nccl_h.ncclBroadcast(buf, buf, data.length, nccl_h.ncclFloat32(), root,
                comm, MemorySegment.NULL));
    }

    /** Uploads {@code data}, runs one in-place NCCL call on the device copy, downloads the result into {@code data}. */
    private static void inPlace(float[] data, String function, ToIntFunction<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined(); DeviceBuffer buf = new DeviceBuffer((long) data.length * Float.BYTES)) {
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, data);
            buf.upload(host);
            check(call.applyAsInt(buf.pointer()), function);
            buf.download(host);
            MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 0, data, 0, data.length);
        }
    }

    @Override
    public void broadcast(byte[] data, int root) {
        bootstrap.broadcast(data, root);
    }

    @Override
    public void barrier() {
        bootstrap.barrier();
    }

    @Override
    public void abort(String message, int status) {
        nccl_h.ncclCommAbort(comm);
        bootstrap.abort(message, status);
    }

    /** Destroys the NCCL communicator, then leaves MPI. */
    @Override
    public void close() {
        try {
            check(nccl_h.ncclCommDestroy(comm), "ncclCommDestroy");
        } finally {
            bootstrap.close();
        }
    }

    private static void check(int status, String function) {
        if (status == nccl_h.ncclSuccess()) {
            return;
        }
        throw new CudaException(CudaLibrary.NCCL.soname(), function, status,
                nccl_h.ncclGetErrorString(status).reinterpret(1024).getString(0));
    }

    /** Device memory for one collective, synchronised on the default stream after every copy. */
    private static final class DeviceBuffer implements AutoCloseable {
        private final MemorySegment pointer;
        private final long bytes;

        DeviceBuffer(long bytes) {
            this.bytes = bytes;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                CudaStatus.checkRuntime(cudart_h.cudaMalloc(out, Math.max(bytes, 1)), "cudaMalloc");
                pointer = out.get(ValueLayout.ADDRESS, 0);
            }
        }

        MemorySegment pointer() {
            return pointer;
        }

        void upload(MemorySegment host) {
            CudaStatus.checkRuntime(cudart_h.cudaMemcpy(pointer, host, bytes, cudart_h.cudaMemcpyHostToDevice()),
                    "cudaMemcpy");
        }

        void download(MemorySegment host) {
            CudaStatus.checkRuntime(cudart_h.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
            CudaStatus.checkRuntime(cudart_h.cudaMemcpy(host, pointer, host.byteSize(), cudart_h.cudaMemcpyDeviceToHost()),
                    "cudaMemcpy");
        }

        @Override
        public void close() {
            CudaStatus.checkRuntime(cudart_h.cudaFree(pointer), "cudaFree");
        }
    }
}
