package dev.gatun.cuda;

import dev.gatun.bindings.CudaStatus;
import dev.gatun.bindings.cuda.runtime.cudart_h;
import dev.gatun.device.CapturePool;
import dev.gatun.device.DeviceGraph;
import java.lang.foreign.MemorySegment;

/** A CUDA graph captured from a {@link CudaContext}'s stream and instantiated, launched on that stream. */
final class CudaGraph extends DeviceGraph {
    private final MemorySegment graph;
    private final MemorySegment exec;
    private final long stream;
    private final int operations;

    CudaGraph(CapturePool pool, MemorySegment graph, MemorySegment exec, long stream, int operations) {
        super(pool);
        this.graph = graph;
        this.exec = exec;
        this.stream = stream;
        this.operations = operations;
    }

    @Override
    public int operations() {
        return operations;
    }

    @Override
    protected void replay() {
        CudaStatus.checkRuntime(cudart_h.cudaGraphLaunch(exec, MemorySegment.ofAddress(stream)), "cudaGraphLaunch");
    }

    @Override
    protected void release() {
        // The graph's memory goes back to the allocator only after work already queued has stopped using it.
        CudaStatus.checkRuntime(cudart_h.cudaStreamSynchronize(MemorySegment.ofAddress(stream)), "cudaStreamSynchronize");
        CudaStatus.checkRuntime(cudart_h.cudaGraphExecDestroy(exec), "cudaGraphExecDestroy");
        CudaStatus.checkRuntime(cudart_h.cudaGraphDestroy(graph), "cudaGraphDestroy");
    }

    @Override
    public String toString() {
        return "CudaGraph[" + operations + " operations captured on stream 0x" + Long.toHexString(stream) + "]";
    }
}
