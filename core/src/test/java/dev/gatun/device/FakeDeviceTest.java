package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeDeviceTest {
    private FakeDevice device;
    private Arena arena;

    @BeforeEach
    void open() {
        device = new FakeDevice(1 << 20);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        device.close();
        arena.close();
    }

    @Test
    void copiesRoundTripThroughDeviceMemoryAtInteriorAddresses() {
        long a = device.allocate(4096);
        long b = device.allocate(4096);
        assertEquals(0, a % FakeDevice.ALIGNMENT);
        float[] values = new float[37];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
        device.copyHostToDevice(host, a + 64, host.byteSize(), DeviceMemory.DEFAULT_STREAM);
        long stream = device.createStream();
        device.copyDeviceToDevice(a + 64, b, host.byteSize(), stream);
        device.synchronize(stream);
        device.destroyStream(stream);
        MemorySegment back = arena.allocate(host.byteSize());
        device.copyDeviceToHost(b, back, back.byteSize(), DeviceMemory.DEFAULT_STREAM);
        assertArrayEquals(values, back.toArray(ValueLayout.JAVA_FLOAT));
        assertEquals(3, device.counters().copies());
        assertEquals(values[5], device.view(b + 20, 4).get(ValueLayout.JAVA_FLOAT, 0));
    }

    @Test
    void countsAllocationsFreesAndBytes() {
        long a = device.allocate(1000);
        long b = device.allocate(24);
        assertEquals(new FakeDevice.Counters(2, 0, 1024, 1024, 0), device.counters());
        device.free(a);
        assertEquals(new FakeDevice.Counters(2, 1, 24, 1024, 0), device.counters());
        assertTrue(device.isLive(b));
        assertFalse(device.isLive(a));
    }

    @Test
    void runsOutOfMemoryAtItsCapacityWithTheNumbers() {
        device.allocate(600_000);
        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class, () -> device.allocate(500_000));
        assertEquals(500_000, e.bytesRequested());
        assertEquals(600_000, e.bytesInUse());
        assertTrue(e.getMessage().contains("requested 500000 bytes, 600000 bytes in use"), e.getMessage());
        assertTrue(e.getMessage().contains("capacity 1048576"), e.getMessage());
    }

    @Test
    void useAfterFreeAndDoubleFreeAreExceptionsNotCrashes() {
        long a = device.allocate(256);
        device.free(a);
        MemorySegment host = arena.allocate(16);
        DeviceMemoryException copy = assertThrows(DeviceMemoryException.class,
                () -> device.copyHostToDevice(host, a, 16, DeviceMemory.DEFAULT_STREAM));
        assertTrue(copy.getMessage().startsWith("copyHostToDevice of 16 bytes: dst 0x"), copy.getMessage());
        assertTrue(copy.getMessage().contains("not inside a live allocation"), copy.getMessage());
        DeviceMemoryException free = assertThrows(DeviceMemoryException.class, () -> device.free(a));
        assertTrue(free.getMessage().contains("freed twice, or never allocated"), free.getMessage());
    }

    @Test
    void rangesPastTheEndOfAnAllocationAreRejected() {
        long a = device.allocate(100);
        MemorySegment host = arena.allocate(64);
        DeviceMemoryException e = assertThrows(DeviceMemoryException.class,
                () -> device.copyDeviceToHost(a + 50, host, 64, DeviceMemory.DEFAULT_STREAM));
        assertTrue(e.getMessage().contains("copyDeviceToHost of 64 bytes: src"), e.getMessage());
        assertTrue(e.getMessage().contains("runs past its end"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheProblem() {
        IllegalArgumentException cap = assertThrows(IllegalArgumentException.class, () -> new FakeDevice(0));
        assertTrue(cap.getMessage().contains("capacityBytes must be > 0, got 0"), cap.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> device.allocate(0));
        assertTrue(zero.getMessage().contains("bytes must be > 0, got 0"), zero.getMessage());
        long a = device.allocate(1024);
        MemorySegment small = arena.allocate(8);
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> device.copyHostToDevice(small, a, 16, DeviceMemory.DEFAULT_STREAM));
        assertTrue(host.getMessage().contains("copyHostToDevice of 16 bytes: host src holds 8 bytes"), host.getMessage());
        DeviceMemoryException stream = assertThrows(DeviceMemoryException.class,
                () -> device.copyHostToDevice(small, a, 8, 42));
        assertTrue(stream.getMessage().contains("stream 42 does not exist"), stream.getMessage());
        DeviceMemoryException overlap = assertThrows(DeviceMemoryException.class,
                () -> device.copyDeviceToDevice(a, a + 8, 16, DeviceMemory.DEFAULT_STREAM));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        assertThrows(DeviceMemoryException.class, () -> device.destroyStream(DeviceMemory.DEFAULT_STREAM));
    }

    @Test
    void aClosedDeviceRefusesWork() {
        device.allocate(512);
        device.close();
        assertEquals(0, device.counters().bytesInUse());
        DeviceMemoryException e = assertThrows(DeviceMemoryException.class, () -> device.allocate(512));
        assertTrue(e.getMessage().contains("allocate of 512 bytes: FakeDevice(1048576 bytes) is closed"), e.getMessage());
    }
}
