package dev.gatun.device;

import dev.gatun.tensor.Device;
import java.lang.foreign.MemorySegment;

/**
 * The fake device's runtime: a {@link FakeDevice} (host memory addressed like device memory)
 * behind a {@link CachingAllocator}, so tensors on {@link Device#fake()} take exactly the path
 * CUDA tensors take, and its backend reads them through {@link #hostView}. Its capacity is
 * {@code -Dgatun.fakeDeviceBytes} (default 16 GiB, reserved only as used), and its budget is
 * computed from that capacity as a GPU's is from its memory.
 */
final class FakeDeviceRuntime implements DeviceRuntime {
    private static final long CAPACITY = Long.getLong("gatun.fakeDeviceBytes", 16L << 30);
    // As Scope does for host memory: tests fill fresh blocks with NaN bits so a gap in an output shows.
    private static final boolean POISON = Boolean.getBoolean("gatun.poisonUninitialized");

    private final FakeDevice memory = new FakeDevice(CAPACITY);
    private final CachingAllocator allocator = new CachingAllocator(memory, CAPACITY);

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
        memory.view(address, bytes).fill((byte) 0);
    }

    @Override
    public void copyIn(MemorySegment src, long dst) {
        memory.copyHostToDevice(src, dst, src.byteSize(), DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void copyOut(long src, MemorySegment dst) {
        memory.copyDeviceToHost(src, dst, dst.byteSize(), DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void copyWithin(long src, long dst, long bytes) {
        memory.copyDeviceToDevice(src, dst, bytes, DeviceMemory.DEFAULT_STREAM);
    }

    @Override
    public void synchronize() {
        memory.synchronize(DeviceMemory.DEFAULT_STREAM);
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
