package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.bindings.NoGpuException;
import dev.gatun.device.CachingAllocator;
import dev.gatun.device.DeviceBlock;
import dev.gatun.device.OutOfDeviceMemoryException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class CudaDeviceMemoryTest {

    @Test
    void withoutAGpuConstructionIsNoGpuAndNothingCrashes() {
        GpuAvailability gpu = Gpu.availability();
        if (gpu.available()) {
            abort("this machine has " + gpu.deviceCount() + " GPU(s): the no-GPU path cannot be seen here");
        }
        NoGpuException e = assertThrows(NoGpuException.class, () -> new CudaDeviceMemory(0));
        assertTrue(e.getMessage().startsWith("no GPU: "), e.getMessage());
        // Asking again gives the same clear answer: nothing was left half-initialized.
        assertThrows(NoGpuException.class, () -> new CudaDeviceMemory(0));
    }

    @Test
    void onAGpuBlocksRoundTripThroughStagingAndRunOutCleanly() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        try (CudaDeviceMemory device = new CudaDeviceMemory(0); CachingAllocator allocator = new CachingAllocator(device);
             Arena arena = Arena.ofConfined()) {
            // More than two staging buffers, with a tail, so the chunking is exercised.
            int n = (int) (2 * CudaDeviceMemory.STAGING_BYTES / Float.BYTES) + 1001;
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = i * 0.25f - 7;
            }
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            DeviceBlock a = allocator.allocate(host.byteSize());
            DeviceBlock b = allocator.allocate(host.byteSize());
            long stream = device.createStream();
            allocator.copyHostToDevice(host, a, stream);
            allocator.copyDeviceToDevice(a, b, host.byteSize(), stream);
            MemorySegment back = arena.allocate(host.byteSize());
            allocator.copyDeviceToHost(b, back, stream);
            device.destroyStream(stream);
            assertArrayEquals(values, back.toArray(ValueLayout.JAVA_FLOAT));
            a.free();
            assertEquals(a.size(), allocator.stats().bytesCached());
            OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class,
                    () -> allocator.allocate(1L << 50));
            assertTrue(e.getMessage().contains("requested " + (1L << 50) + " bytes"), e.getMessage());
            assertEquals(0, allocator.stats().bytesCached());
            b.free();
        }
    }

    @Test
    void onAGpuTheAllocatorFreesItsCacheAndRetriesWhenTheDeviceIsFull() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        try (CudaDeviceMemory device = new CudaDeviceMemory(0); CachingAllocator allocator = new CachingAllocator(device);
             Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            assertEquals(0, dev.gatun.bindings.cuda.runtime.cudart_h.cudaMemGetInfo(free, total));
            // Two blocks of 60% of the free memory cannot both exist: the second only fits once the
            // first, freed into the cache, is given back to the device.
            long big = free.get(ValueLayout.JAVA_LONG, 0) / 10 * 6 / CachingAllocator.LARGE_GRANULE
                    * CachingAllocator.LARGE_GRANULE;
            DeviceBlock first = allocator.allocate(big);
            first.free();
            assertEquals(big, allocator.stats().bytesCached());
            DeviceBlock second = allocator.allocate(big + CachingAllocator.LARGE_GRANULE);
            assertEquals(1, allocator.stats().cacheFlushes(), "the cache was freed once to make room");
            assertEquals(0, allocator.stats().bytesCached());
            second.free();
            DeviceBlock again = allocator.allocate(big + CachingAllocator.LARGE_GRANULE);
            assertEquals(1, allocator.stats().cacheHits(), "a freed block of the same class is reused");
            again.free();
        }
    }
}
