package dev.gatun.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memory budget: sizes read as users write them, products that overflow, and host and device
 * tensors over the budget refused before anything is allocated, with nothing left held.
 */
class MemoryBudgetTest {
    private static final long MIB = 1L << 20;

    private long savedLimit;

    @BeforeEach
    void save() {
        savedLimit = MemoryBudget.limit();
    }

    @AfterEach
    void restore() {
        MemoryBudget.setLimit(savedLimit);
        MemoryBudget.setDeviceLimit(0);
    }

    @Test
    void parseReadsBytesAndBinaryUnitsAndRefusesAnythingElseNamingWhere() {
        assertEquals(123, MemoryBudget.parse("123", "x"));
        assertEquals(512 * MIB, MemoryBudget.parse("512m", "x"));
        assertEquals(512 * MIB, MemoryBudget.parse(" 512MiB ", "x"));
        assertEquals(8L << 30, MemoryBudget.parse("8G", "x"));
        assertEquals(3L << 29, MemoryBudget.parse("1.5gib", "x"));
        assertEquals(2048, MemoryBudget.parse("2kb", "x"));
        assertEquals(1L << 40, MemoryBudget.parse("1t", "x"));
        for (String bad : new String[] {"", "  ", "0", "0.5", "-1", "1x", "g", "1.2.3m", "1e9", "9000000t", "abc"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MemoryBudget.parse(bad, "--max-memory"), bad);
            assertTrue(e.getMessage().startsWith("--max-memory: '" + bad + "' is not a memory size"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.parse(null, "x"));
    }

    @Test
    void bytesIsTheProductOrMinusOneWhenItOverflowsOrASizeIsNegative() {
        assertEquals(4L * 3 * 5, MemoryBudget.bytes(4, 3, 5));
        assertEquals(4, MemoryBudget.bytes(4));
        assertEquals(0, MemoryBudget.bytes(4, 7, 0));
        assertEquals(-1, MemoryBudget.bytes(4, Integer.MAX_VALUE, Integer.MAX_VALUE, 4));
        assertEquals(-1, MemoryBudget.bytes(2, Long.MAX_VALUE / 2 + 1));
        assertEquals(-1, MemoryBudget.bytes(4, 3, -5));
    }

    @Test
    void requireRefusesWhatPassesTheBudgetOrOverflowedNamingWhatTheSizeAndTheBudget() {
        MemoryBudget.setLimit(64 * MIB);
        MemoryBudget.require("the exact budget", 64 * MIB);
        MemoryBudgetException over = assertThrows(MemoryBudgetException.class,
                () -> MemoryBudget.require("the model of x.yaml", 64 * MIB + 1));
        assertEquals("the model of x.yaml needs 64.00 MiB (67108865 bytes), over the memory budget of 64.00 MiB"
                + " (67108864 bytes) (set it with --max-memory or -Dgatun.maxMemory)", over.getMessage());
        assertEquals(64 * MIB + 1, over.requested());
        assertEquals(64 * MIB, over.limit());
        MemoryBudgetException overflow = assertThrows(MemoryBudgetException.class,
                () -> MemoryBudget.require("a size from a file", MemoryBudget.bytes(4, Long.MAX_VALUE)));
        assertTrue(overflow.getMessage().startsWith("a size from a file needs more than 9223372036854775807 bytes, over"),
                overflow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.setLimit(0));
        assertEquals(64 * MIB, MemoryBudget.limit());
    }

    @Test
    void aTensorOverTheBudgetIsRefusedBeforeAnythingIsAllocated() {
        Scope.releaseCachedMemory();
        long before = Scope.liveBytes();
        MemoryBudget.setLimit(before + MIB);
        try (Scope s = Scope.open("budget test")) {
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                    () -> Tensor.zeros(DType.FLOAT32, 1024, 1024));
            assertTrue(e.getMessage().startsWith("a float32[1024, 1024] tensor in scope 'budget test' needs 4.00 MiB"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("over the memory budget of"), e.getMessage());
            assertEquals(before, Scope.liveBytes(), "nothing is held after the refusal");
            assertThrows(MemoryBudgetException.class, () -> Tensor.empty(DType.FLOAT64, 512, 512));
            assertThrows(MemoryBudgetException.class, () -> s.allocate(2 * MIB));
            assertEquals(before, Scope.liveBytes());

            // What fits is still allocated, and counts: the next one is refused for what is held.
            Tensor fits = Tensor.zeros(DType.FLOAT32, 128, 1024);
            assertEquals(before + 512 * 1024, Scope.liveBytes());
            MemoryBudgetException held = assertThrows(MemoryBudgetException.class,
                    () -> Tensor.zeros(DType.FLOAT32, 160, 1024));
            assertTrue(held.getMessage().contains("on top of 512.00 KiB (524288 bytes) already held"), held.getMessage());
            assertEquals(before + 512 * 1024, Scope.liveBytes());
            assertEquals(0, fits.sum().item());
        }
        assertEquals(before, Scope.liveBytes());
    }

    @Test
    void aTensorWhoseSizeOverflowsALongIsOverAnyBudget() {
        long before = Scope.liveBytes();
        try (Scope s = Scope.open("overflow")) {
            int big = Integer.MAX_VALUE;
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                    () -> Tensor.zeros(DType.FLOAT32, big, big, big));
            assertTrue(e.getMessage().startsWith("a float32[2147483647, 2147483647, 2147483647] tensor in scope"
                    + " 'overflow' needs more than 9223372036854775807 bytes"), e.getMessage());
            assertThrows(MemoryBudgetException.class, () -> Tensor.empty(DType.FLOAT64, big, big, 4));
        }
        assertEquals(before, Scope.liveBytes());
    }

    @Test
    void cachedBlocksAreFreedToMakeRoomAndNeverKeptPastTheBudget() {
        Scope.releaseCachedMemory();
        long before = Scope.liveBytes();
        MemoryBudget.setLimit(before + 24 * MIB);
        try (Scope s = Scope.open("fill the cache")) {
            Tensor.zeros(DType.FLOAT32, 4 * 1024 * 1024); // 16 MiB
        }
        assertEquals(16 * MIB, Scope.cachedBytes(), "the block is kept for reuse while it fits");
        try (Scope s = Scope.open("other size")) {
            // 12 MiB of another size class: only fits once the cached 16 MiB are freed.
            Tensor t = Tensor.zeros(DType.FLOAT32, 3 * 1024 * 1024);
            assertEquals(0, Scope.cachedBytes());
            assertEquals(0, t.sum().item());
            assertTrue(Scope.liveBytes() + Scope.cachedBytes() <= MemoryBudget.limit());
        }
        // The sum's scalar was carved from a 64 KiB slab, which is cached beside the block.
        assertEquals(12 * MIB + 64 * 1024, Scope.cachedBytes());
        long slab = 64 * 1024;
        MemoryBudget.setLimit(before + 20 * MIB + slab);
        try (Scope s = Scope.open("keep within")) {
            Tensor.zeros(DType.FLOAT32, 2 * 1024 * 1024); // 8 MiB: live 8 + cached 12 fits 20
            assertEquals(12 * MIB + slab, Scope.cachedBytes());
        }
        // Giving the 8 MiB block back would make 20 MiB (and the slab) cached with nothing live: still within.
        assertTrue(Scope.cachedBytes() <= 20 * MIB + slab);
        MemoryBudget.setLimit(before + 10 * MIB);
        try (Scope s = Scope.open("small budget")) {
            Tensor.zeros(DType.FLOAT32, 1024 * 1024); // 4 MiB
            assertTrue(Scope.liveBytes() + Scope.cachedBytes() <= MemoryBudget.limit(),
                    "cached blocks past the budget were freed");
        }
        assertTrue(Scope.cachedBytes() <= 10 * MIB);
        assertEquals(before, Scope.liveBytes());
        Scope.releaseCachedMemory();
    }

    @Test
    void aDeviceTensorOverTheDeviceBudgetIsRefusedBeforeTheDeviceIsAsked() {
        MemoryBudget.setDeviceLimit(3 * MIB);
        try (Scope s = Scope.open("device budget")) {
            Tensor small = Tensor.zeros(s, Device.fake(), DType.FLOAT32, 256, 1024); // 1 MiB
            MemoryBudgetException e = assertThrows(MemoryBudgetException.class,
                    () -> Tensor.zeros(s, Device.fake(), DType.FLOAT32, 1024, 1024));
            assertTrue(e.getMessage().startsWith("a float32[1024, 1024] tensor on fake:0 in scope 'device budget' needs"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("already held, over the device memory budget of"), e.getMessage());
            assertTrue(e.getMessage().endsWith("(set it with -Dgatun.maxDeviceMemory)"), e.getMessage());
            assertEquals(0, small.sum().item());
            MemoryBudgetException moved = assertThrows(MemoryBudgetException.class,
                    () -> Tensor.zeros(DType.FLOAT32, 1024, 1024).to(Device.fake()));
            assertTrue(moved.getMessage().startsWith("a float32[1024, 1024] tensor on fake:0"), moved.getMessage());
        }
    }
}
