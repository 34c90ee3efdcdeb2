package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.tensor.MemoryBudget;
import dev.gatun.tensor.MemoryBudgetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A caching allocator made with its device's size keeps to the device budget, before the device is asked. */
class DeviceBudgetTest {
    private static final long MIB = 1L << 20;

    private FakeDevice device;
    private CachingAllocator allocator;

    @BeforeEach
    void open() {
        MemoryBudget.setDeviceLimit(0);
        device = new FakeDevice(10 * MIB);
        allocator = new CachingAllocator(device, 10 * MIB);
    }

    @AfterEach
    void close() {
        MemoryBudget.setDeviceLimit(0);
        allocator.close();
        device.close();
    }

    @Test
    void theDefaultBudgetIsAFractionOfTheDeviceAndTheSettingReplacesIt() {
        assertEquals((long) (10 * MIB * MemoryBudget.DEVICE_FRACTION), allocator.limit());
        MemoryBudget.setDeviceLimit(3 * MIB);
        assertEquals(3 * MIB, allocator.limit());
        assertEquals(Long.MAX_VALUE, new CachingAllocator(device).limit(), "no device size, no budget");
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.setDeviceLimit(-1));
    }

    @Test
    void anAllocationPastTheBudgetIsRefusedWithoutAskingTheDevice() {
        DeviceBlock kept = allocator.allocate(6 * MIB); // in budget: 9 MiB of 10
        MemoryBudgetException e = assertThrows(MemoryBudgetException.class, () -> allocator.allocate(3 * MIB + 1));
        assertEquals(4 * MIB, e.requested(), "the size class asked for");
        assertEquals(6 * MIB, e.held());
        assertEquals(allocator.limit(), e.limit());
        assertTrue(e.getMessage().startsWith("allocating 3145729 bytes on " + device.name() + " needs 4.00 MiB"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("over the device memory budget of 9.00 MiB (9437184 bytes) (set it with"
                + " -Dgatun.maxDeviceMemory)"), e.getMessage());
        assertEquals(1, device.counters().allocations(), "the device was not asked");
        assertEquals(6 * MIB, allocator.stats().bytesInUse());
        kept.free();
    }

    @Test
    void cachedBlocksAreFreedWhenOnlyTheyStandInTheWay() {
        allocator.allocate(6 * MIB).free();
        assertEquals(6 * MIB, allocator.stats().bytesCached());
        DeviceBlock b = allocator.allocate(4 * MIB); // 6 cached + 4 > 9, but 4 alone fits
        assertEquals(0, allocator.stats().bytesCached());
        assertEquals(1, allocator.stats().cacheFlushes());
        assertEquals(1, device.counters().frees());
        DeviceBlock again = allocator.allocate(2 * MIB); // 4 + 2 fits beside nothing cached
        assertEquals(6 * MIB, allocator.stats().bytesInUse());
        b.free();
        again.free();
        // A cached block of the same size class is reused without growing what the device holds.
        MemoryBudget.setDeviceLimit(6 * MIB);
        DeviceBlock reused = allocator.allocate(4 * MIB);
        assertEquals(3, device.counters().allocations());
        reused.free();
    }
}
