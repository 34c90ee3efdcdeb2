package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.bindings.NoGpuException;
import dev.gatun.device.CachingAllocator;
import dev.gatun.device.DeviceBlock;
import dev.gatun.device.DeviceMemoryException;
import dev.gatun.device.FakeDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class PtxModuleTest {

    @Test
    void withoutADriverLoadingIsNoGpu() {
        GpuAvailability gpu = Gpu.availability();
        if (gpu.available()) {
            abort("this machine has a GPU: the no-GPU path cannot be seen here");
        }
        NoGpuException e = assertThrows(NoGpuException.class, () -> PtxModule.load("scale"));
        assertTrue(e.getMessage().startsWith("no GPU: "), e.getMessage());
        assertThrows(NoGpuException.class, () -> PtxModule.loadText("fill", PtxKernels.ptx("scale"), 0));
    }

    @Test
    void textWithoutAnEntryIsRejectedBeforeTheDriverIsTouched() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PtxModule.loadText("junk", "int main() {}", 0));
        assertTrue(e.getMessage().contains("PTX for junk has no .entry"), e.getMessage());
    }

    @Test
    void argumentsArePackedOneSlotEachInParameterOrder() {
        FakeDevice device = new FakeDevice(1 << 16);
        try (device; CachingAllocator allocator = new CachingAllocator(device); Arena arena = Arena.ofConfined()) {
            DeviceBlock x = allocator.allocate(64);
            MemorySegment params = PtxModule.packArguments(PtxKernels.AXPBY, arena, 2.5f, x, -1f, 4096L, 16L);
            long[] slots = new long[5];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = params.getAtIndex(ValueLayout.ADDRESS, i).address();
            }
            assertEquals(2.5f, MemorySegment.ofAddress(slots[0]).reinterpret(4).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(x.address(), MemorySegment.ofAddress(slots[1]).reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-1f, MemorySegment.ofAddress(slots[2]).reinterpret(4).get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(4096L, MemorySegment.ofAddress(slots[3]).reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
            assertEquals(16L, MemorySegment.ofAddress(slots[4]).reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
            MemorySegment flags = PtxModule.packArguments(PtxKernels.SGD_STEP, arena, 1L, 2L, 0L, 7, 0.1f, 0.9f, 1f,
                    0f, true, false);
            assertEquals(1, flags.getAtIndex(ValueLayout.ADDRESS, 8).reinterpret(4).get(ValueLayout.JAVA_INT, 0));
            assertEquals(0, flags.getAtIndex(ValueLayout.ADDRESS, 9).reinterpret(4).get(ValueLayout.JAVA_INT, 0));
            x.free();
            assertThrows(DeviceMemoryException.class,
                    () -> PtxModule.packArguments(PtxKernels.AXPBY, arena, 2.5f, x, -1f, 4096L, 16L));
        }
    }

    @Test
    void wrongArgumentsAreNamedBeforeAnyLaunch() {
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> PtxModule.packArguments(PtxKernels.FILL, arena, 0L, 5L));
            assertTrue(count.getMessage().contains("fill takes 3 arguments [y, n, value], got 2"), count.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> PtxModule.packArguments(PtxKernels.FILL, arena, 0L, 5L, 1.0));
            assertTrue(type.getMessage().contains("fill argument 2 (value, F32) must be a float, got Double 1.0"),
                    type.getMessage());
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                    () -> PtxModule.packArguments(PtxKernels.FILL, arena, null, 5L, 1f));
            assertTrue(nul.getMessage().contains("argument 0 (y, POINTER) must be a long address or a DeviceBlock, got null"),
                    nul.getMessage());
        }
    }

    @Test
    void gridStrideBlocksCoverTheElementsUpToTheCap() {
        assertEquals(1, PtxModule.blocksFor(0, 256, 1024));
        assertEquals(1, PtxModule.blocksFor(256, 256, 1024));
        assertEquals(2, PtxModule.blocksFor(257, 256, 1024));
        assertEquals(1024, PtxModule.blocksFor(1L << 40, 256, 1024));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtxModule.blocksFor(-1, 256, 8));
        assertTrue(e.getMessage().contains("n must be >= 0"), e.getMessage());
    }
}
