package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CapturePoolTest {
    private static final long MIB = 1L << 20;

    private FakeDevice device;
    private CachingAllocator allocator;

    @BeforeEach
    void open() {
        device = new FakeDevice(16 * MIB);
        allocator = new CachingAllocator(device);
    }

    @AfterEach
    void close() {
        allocator.close();
        device.close();
    }

    @Test
    void aBlockFreedDuringCaptureServesOnlyTheSameCaptureThenWaitsForTheGraphToClose() {
        CapturePool pool = allocator.beginCapturePool();
        DeviceBlock temp = allocator.allocate(1000);
        long tempAddress = temp.address();
        temp.free();
        DeviceBlock again = allocator.allocate(1000);
        assertEquals(tempAddress, again.address(), "a later allocation of the same capture reuses the freed block");
        again.free();
        allocator.endCapturePool(pool);

        DeviceBlock outsider = allocator.allocate(1000);
        assertNotEquals(tempAddress, outsider.address(), "the graph's block went to someone else while it lives");
        assertEquals(1024, pool.bytes());
        assertEquals(1024, allocator.stats().bytesHeldByGraphs());

        pool.close();
        assertEquals(0, allocator.stats().bytesHeldByGraphs());
        DeviceBlock after = allocator.allocate(1000);
        assertEquals(tempAddress, after.address(), "a closed graph's block returns to the shared cache");
        outsider.free();
        after.free();
    }

    @Test
    void aBlockStillInUseWhenTheGraphClosesGoesToTheSharedCacheWhenFreed() {
        CapturePool pool = allocator.beginCapturePool();
        DeviceBlock output = allocator.allocate(3000);
        allocator.endCapturePool(pool);
        assertEquals(1, pool.blocksInUse());
        output.free();
        assertEquals(0, pool.blocksInUse());
        assertEquals(3072, pool.bytes(), "freed after the capture, it still belongs to the graph");
        assertEquals(new AllocatorStats(0, 3072, 3072, 0, 1, 1, 0, 0, 0, 3072), allocator.stats());

        CapturePool second = allocator.beginCapturePool();
        DeviceBlock live = allocator.allocate(3000);
        allocator.endCapturePool(second);
        second.close();
        live.free();
        pool.close();
        AllocatorStats s = allocator.stats();
        assertEquals(0, s.bytesInUse());
        assertEquals(2 * 3072, s.bytesCached());
        assertEquals(0, s.bytesHeldByGraphs());
        allocator.emptyCache();
        assertEquals(0, device.counters().bytesInUse(), "nothing leaks once the graphs are closed");
    }

    @Test
    void aBlockFreedDuringCaptureThatWasAllocatedBeforeItJoinsThePool() {
        DeviceBlock before = allocator.allocate(600);
        long address = before.address();
        CapturePool pool = allocator.beginCapturePool();
        before.free();
        allocator.endCapturePool(pool);
        DeviceBlock outsider = allocator.allocate(600);
        assertNotEquals(address, outsider.address());
        assertEquals(1024, allocator.stats().bytesHeldByGraphs());
        pool.close();
        outsider.free();
        assertEquals(0, allocator.stats().bytesHeldByGraphs());
    }

    @Test
    void replayedCapturesUseFixedAddressesWithoutNewDeviceAllocations() {
        CapturePool pool = allocator.beginCapturePool();
        Set<Long> addresses = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            DeviceBlock b = allocator.allocate(5000 + i);
            addresses.add(b.address());
            b.free();
        }
        allocator.endCapturePool(pool);
        long deviceAllocations = allocator.stats().deviceAllocations();
        assertEquals(1, addresses.size(), "three same-class temporaries in one capture share one block");
        assertEquals(1, deviceAllocations);
        pool.close();
        pool.close();
        assertTrue(pool.isClosed());
    }

    @Test
    void onlyOneCaptureAtATime() {
        CapturePool pool = allocator.beginCapturePool();
        assertThrows(IllegalStateException.class, allocator::beginCapturePool);
        pool.close();
        allocator.beginCapturePool().close();
    }
}
