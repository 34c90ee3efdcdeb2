package dev.gatun.device;

import dev.gatun.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The fake device's runtime: a {@link FakeDevice} (host memory addressed like device memory)
 * behind a {@link CachingAllocator}, so tensors on {@link Device#fake()} take exactly the path
 * CUDA tensors take, and its backend reads them through {@link #hostView}. Its capacity is
 * {@code -Dgatun.fakeDeviceBytes} (default 16 GiB, reserved only as used), and its budget is
 * computed from that capacity as a GPU's is from its memory.
 *
 * <p>It captures graphs as CUDA does: during a capture, kernels and device-side copies are recorded, not run,
 * allocations go to the graph's {@link CapturePool}, and a host synchronization or a copy from host memory is
 * refused; the graph replays exactly the recorded kernels on the same addresses.
 */
final class FakeDeviceRuntime implements DeviceRuntime, HostKernelQueue {
    private static final long CAPACITY = Long.getLong("gatun.fakeDeviceBytes", 16L << 30);
    // As Scope does for host memory: tests fill fresh blocks with NaN bits so a gap in an output shows.
    private static final boolean POISON = Boolean.getBoolean("gatun.poisonUninitialized");

    private final FakeDevice memory = new FakeDevice(CAPACITY);
    private final CachingAllocator allocator = new CachingAllocator(memory, CAPACITY);
    // Non-null while a capture is under way: the kernels recorded so far, and the graph's pool.
    private List<Runnable> recording;
    private CapturePool pool;

    @Override
    public Device device() {
        return Device.fake();
    }

    @Override
    public DeviceBlock allocate(long bytes) {
        DeviceBlock block = allocator.allocate(bytes);
        if (POISON) {
            memory.view(block.address(), block.size()).fill((byte) -1);
        }
        return block;
    }

    @Override
    public long memoryLimit() {
        return allocator.limit();
    }

    @Override
    public void zero(long address, long bytes) {
        MemorySegment view = memory.view(address, bytes);
        enqueue("zero", () -> view.fill((byte) 0));
    }

    @Override
    public void copyIn(MemorySegment src, long dst) {
        if (isCapturing()) {
            throw GraphCaptureException.hostCopy(device(), src.byteSize());
        }
        memory.copyHostToDevice(src, dst, src.byteSize(), DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void copyOut(long src, MemorySegment dst) {
        if (isCapturing()) {
            throw GraphCaptureException.hostSync(device(), "copyOut of " + dst.byteSize() + " bytes");
        }
        memory.copyDeviceToHost(src, dst, dst.byteSize(), DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void copyWithin(long src, long dst, long bytes) {
        enqueue("copyWithin", () -> memory.copyDeviceToDevice(src, dst, bytes, DeviceMemory.DEFAULT_STREAM));
    }

    @Override
    public void synchronize() {
        if (isCapturing()) {
            throw GraphCaptureException.hostSync(device(), "synchronize");
        }
        memory.synchronize(DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void enqueue(String op, Runnable kernel) {
        synchronized (this) {
            if (recording != null) {
                recording.add(kernel);
                return;
            }
        }
        kernel.run();
    }

    @Override
    public String captureRefusal() {
        return null;
    }

    @Override
    public synchronized void beginCapture() {
        if (recording != null) {
            throw new IllegalStateException(device() + ": a capture is already under way");
        }
        pool = allocator.beginCapturePool();
        recording = new ArrayList<>();
    }

    @Override
    public synchronized DeviceGraph endCapture() {
        if (recording == null) {
            throw new IllegalStateException(device() + ": no capture under way");
        }
        allocator.endCapturePool(pool);
        DeviceGraph graph = new FakeDeviceGraph(pool, recording);
        recording = null;
        pool = null;
        return graph;
    }

    @Override
    public synchronized void abortCapture() {
        if (recording == null) {
            return;
        }
        allocator.endCapturePool(pool);
        pool.close();
        recording = null;
        pool = null;
    }

    @Override
    public synchronized boolean isCapturing() {
        return recording != null;
    }

    /** {@return the allocator's counters, for tests of capture pools} */
    AllocatorStats allocatorStats() {
        return allocator.stats();
    }

    @Override
    public MemorySegment hostView(long address, long bytes) {
        return memory.view(address, bytes);
    }

    @Override
    public String toString() {
        return "fake:0 (" + memory.name() + ")";
    }
}
