package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
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
    void sizeClassesAre512BytesUpTo1MiBAnd2MiBAbove() {
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(MIB, CachingAllocator.sizeClass(MIB - 1));
        assertEquals(MIB, CachingAllocator.sizeClass(MIB));
        assertEquals(2 * MIB, CachingAllocator.sizeClass(MIB + 1));
        assertEquals(4 * MIB, CachingAllocator.sizeClass(2 * MIB + 1));
        DeviceBlock b = allocator.allocate(700);
        assertEquals(700, b.requested());
        assertEquals(1024, b.size());
        assertEquals(1024, device.counters().bytesInUse());
    }

    @Test
    void aFreedBlockIsReusedWithoutCallingTheDevice() {
        DeviceBlock a = allocator.allocate(1000);
        long address = a.address();
        a.free();
        DeviceBlock b = allocator.allocate(900); // same 1024-byte class
        assertEquals(address, b.address());
        assertEquals(1, device.counters().allocations());
        assertEquals(1, allocator.stats().cacheHits());
        DeviceBlock c = allocator.allocate(2000); // another class: a new device allocation
        assertNotEquals(address, c.address());
        assertEquals(2, device.counters().allocations());
    }

    @Test
    void statsTrackBytesInUseAndCached() {
        DeviceBlock a = allocator.allocate(100);
        DeviceBlock b = allocator.allocate(3 * MIB);
        assertEquals(new AllocatorStats(512 + 4 * MIB, 0, 512 + 4 * MIB, 2, 0, 2, 0, 0, 0), allocator.stats());
        b.free();
        assertEquals(new AllocatorStats(512, 4 * MIB, 512 + 4 * MIB, 1, 1, 2, 0, 0, 0), allocator.stats());
        allocator.emptyCache();
        assertEquals(new AllocatorStats(512, 0, 512 + 4 * MIB, 1, 0, 2, 1, 0, 0), allocator.stats());
        assertEquals(512, device.counters().bytesInUse());
        a.free();
    }

    @Test
    void outOfMemoryFreesTheCacheAndRetries() {
        DeviceBlock a = allocator.allocate(6 * MIB);
        DeviceBlock b = allocator.allocate(6 * MIB);
        a.free();
        b.free();
        // 12 MiB cached, 16 MiB device: 8 MiB fits only once the cache is gone.
        DeviceBlock c = allocator.allocate(8 * MIB);
        AllocatorStats s = allocator.stats();
        assertEquals(1, s.cacheFlushes());
        assertEquals(0, s.bytesCached());
        assertEquals(8 * MIB, s.bytesInUse());
        assertEquals(2, device.counters().frees());
        assertEquals(8 * MIB, device.counters().bytesInUse());
        c.free();
    }

    @Test
    void outOfMemoryWithNothingCachedGivesTheNumbers() {
        DeviceBlock a = allocator.allocate(10 * MIB);
        DeviceBlock small = allocator.allocate(300);
        small.free();
        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class,
                () -> allocator.allocate(7 * MIB - 5));
        assertEquals(7 * MIB - 5, e.bytesRequested());
        assertEquals(10 * MIB, e.bytesInUse());
        assertEquals(0, e.bytesCached());
        String m = e.getMessage();
        assertTrue(m.contains("requested " + (7 * MIB - 5) + " bytes, " + 10 * MIB + " bytes in use, 0 bytes cached"), m);
        assertTrue(m.contains("rounded to " + 8 * MIB + " bytes; freed 512 cached bytes and retried once"), m);
        assertInstanceOf(OutOfDeviceMemoryException.class, e.getCause());
        // The failed request leaves the counters consistent and the allocator usable.
        assertEquals(10 * MIB, allocator.stats().bytesInUse());
        allocator.allocate(MIB).free();
        a.free();
    }

    @Test
    void useAfterFreeOfABlockIsAnException() {
        DeviceBlock a = allocator.allocate(64);
        a.free();
        DeviceMemoryException address = assertThrows(DeviceMemoryException.class, a::address);
        assertTrue(address.getMessage().contains("block of 64 bytes"), address.getMessage());
        assertTrue(address.getMessage().contains("use after free"), address.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(64);
            DeviceMemoryException copy = assertThrows(DeviceMemoryException.class,
                    () -> allocator.copyHostToDevice(host, a, DeviceMemory.DEFAULT_STREAM));
            assertTrue(copy.getMessage().startsWith("copyHostToDevice: block of 64 bytes"), copy.getMessage());
        }
        DeviceMemoryException twice = assertThrows(DeviceMemoryException.class, a::free);
        assertTrue(twice.getMessage().startsWith("free: block of 64 bytes"), twice.getMessage());
        assertEquals(1, allocator.stats().blocksCached());
    }

    @Test
    void copiesThroughBlocksRoundTripAndCheckTheirSize() {
        DeviceBlock a = allocator.allocate(40);
        DeviceBlock b = allocator.allocate(40);
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1, -2, 3.5f, 4, 5, 6, 7, 8, 9, 10};
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            allocator.copyHostToDevice(host, a, DeviceMemory.DEFAULT_STREAM);
            allocator.copyDeviceToDevice(a, b, 40, DeviceMemory.DEFAULT_STREAM);
            MemorySegment back = arena.allocate(40);
            allocator.copyDeviceToHost(b, back, DeviceMemory.DEFAULT_STREAM);
            assertArrayEquals(values, back.toArray(ValueLayout.JAVA_FLOAT));
            MemorySegment big = arena.allocate(44);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> allocator.copyHostToDevice(big, a, DeviceMemory.DEFAULT_STREAM));
            assertTrue(e.getMessage().contains("copyHostToDevice of 44 bytes") && e.getMessage().contains("holds 40 bytes"),
                    e.getMessage());
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0));
        assertTrue(zero.getMessage().contains("bytes must be > 0, got 0"), zero.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> allocator.allocate(Long.MAX_VALUE));
        assertTrue(huge.getMessage().contains("too large"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CachingAllocator(null));
        try (FakeDevice other = new FakeDevice(MIB); CachingAllocator foreign = new CachingAllocator(other)) {
            DeviceBlock b = foreign.allocate(10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.free(b));
            assertTrue(e.getMessage().contains("belongs to another allocator"), e.getMessage());
            b.free();
        }
        assertEquals(0, device.counters().allocations());
    }

    @Test
    void twoThreadsAllocatingAndFreeingKeepTheCountersExact() throws Exception {
        int rounds = 2000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<DeviceBlock> held = new ArrayList<>();
                    start.await();
                    long checksum = 0;
                    for (int i = 0; i < rounds; i++) {
                        if (held.size() < 8 && random.nextBoolean()) {
                            held.add(allocator.allocate(1 + random.nextInt(3 * 4096)));
                        } else if (!held.isEmpty()) {
                            DeviceBlock b = held.remove(random.nextInt(held.size()));
                            checksum += b.size();
                            b.free();
                        }
                    }
                    for (DeviceBlock b : held) {
                        b.free();
                    }
                    return checksum;
                }));
            }
            start.countDown();
            for (Future<Long> f : results) {
                assertTrue(f.get() > 0);
            }
        } finally {
            pool.shutdownNow();
        }
        AllocatorStats s = allocator.stats();
        assertEquals(0, s.bytesInUse());
        assertEquals(0, s.blocksInUse());
        assertEquals(device.counters().bytesInUse(), s.bytesCached());
        assertEquals(s.deviceAllocations(), s.blocksCached());
        assertTrue(s.cacheHits() > 0, s.toString());
    }
}
