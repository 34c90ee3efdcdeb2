package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.backend.CpuBackend;
import dev.gatun.backend.ScalarBackend;
import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.device.CachingAllocator;
import dev.gatun.device.DeviceBlock;
import dev.gatun.device.DeviceMemory;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the CUDA-backend kernel parity tests share: a device with a caching allocator (skipping
 * the test without a GPU), a tensor scope, the scalar and CPU backends as references, seeded
 * inputs, uploads and downloads, host segments for the CPU kernels' scalar twins, launches, and
 * the float comparisons with a per-element allowance.
 */
abstract class PtxParityTestBase {
    protected static final int THREADS = 256;

    protected final ScalarBackend scalar = new ScalarBackend();
    protected final CpuBackend cpu = new CpuBackend();
    protected final SplittableRandom random;
    private CudaDeviceMemory device;
    private CachingAllocator allocator;
    private Arena arena;
    private Scope scope;
    private final List<DeviceBlock> blocks = new ArrayList<>();

    protected PtxParityTestBase(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @BeforeEach
    void openDevice() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        device = new CudaDeviceMemory(0);
        allocator = new CachingAllocator(device);
        arena = Arena.ofConfined();
        scope = Scope.open(getClass().getSimpleName());
    }

    @AfterEach
    void closeDevice() {
        if (device != null) {
            scope.close();
            blocks.forEach(allocator::free);
            allocator.close();
            device.close();
            arena.close();
        }
    }

    /** Launches kernel from its PTX file with {@code blocks} x {@code threads} and waits for it. */
    protected void run(PtxKernel kernel, int blocks, int threads, Object... args) {
        try (PtxModule module = PtxModule.load(kernel.file())) {
            module.launch(kernel, blocks, threads, DeviceMemory.DEFAULT_STREAM, args);
            device.synchronize(DeviceMemory.DEFAULT_STREAM);
        }
    }

    /** Grid for a grid-stride loop over n elements with {@link #THREADS} threads a block. */
    protected static int gridFor(long n) {
        return PtxModule.blocksFor(n, THREADS, 1024);
    }

    protected DeviceBlock upload(float[] values) {
        return upload(seg(values));
    }

    protected DeviceBlock upload(int[] values) {
        return upload(seg(values));
    }

    /** A device copy of t's whole storage (views included), so that {@link #at} finds t.offset(). */
    protected DeviceBlock uploadStorage(Tensor t) {
        return upload(t.segment());
    }

    /** A device copy of a host segment (one that a CPU twin also reads, say). */
    protected DeviceBlock upload(MemorySegment host) {
        DeviceBlock b = allocate(host.byteSize() / 4);
        if (host.byteSize() > 0) {
            allocator.copyHostToDevice(host, b, DeviceMemory.DEFAULT_STREAM);
        }
        return b;
    }

    /** A device block for {@code elements} 32-bit elements (at least one), contents undefined. */
    protected DeviceBlock allocate(long elements) {
        DeviceBlock b = allocator.allocate(4 * Math.max(1, elements));
        blocks.add(b);
        return b;
    }

    protected float[] floats(DeviceBlock block, long n) {
        return download(block, n).toArray(ValueLayout.JAVA_FLOAT);
    }

    protected int[] ints(DeviceBlock block, long n) {
        return download(block, n).toArray(ValueLayout.JAVA_INT);
    }

    /** The first n 32-bit elements of a block, copied to the host. */
    private MemorySegment download(DeviceBlock block, long n) {
        MemorySegment host = arena.allocate(4 * n);
        if (n > 0) {
            allocator.copyDeviceToHost(block, host, DeviceMemory.DEFAULT_STREAM);
        }
        return host;
    }

    /** A host copy of values, for the CPU twins that take segments. */
    protected MemorySegment seg(float[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
    }

    protected MemorySegment seg(int[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_INT, values);
    }

    protected static float[] floats(MemorySegment host) {
        return host.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** The device address of element {@code index} of a 32-bit block: how the host folds offsets in. */
    protected static long at(DeviceBlock block, long index) {
        return block.address() + 4 * index;
    }

    /** n floats uniform in [lo, hi). */
    protected float[] values(int n, double lo, double hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(lo, hi);
        }
        return out;
    }

    /** n NaNs: an output that starts as NaN shows any element the kernel failed to write. */
    protected static float[] nans(int n) {
        float[] out = new float[n];
        Arrays.fill(out, Float.NaN);
        return out;
    }

    /**
     * Every element within {@code allowed[i]} of the expected one; NaN must meet NaN, and an
     * infinity the same infinity.
     */
    protected static void assertWithin(float[] expected, float[] actual, double[] allowed, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) || Float.isInfinite(e)) {
                assertEquals(e, a, what + " at " + i);
            } else {
                assertTrue(Math.abs((double) a - e) <= allowed[i], what + " at " + i + ": expected " + e + ", got " + a
                        + " (allowed difference " + allowed[i] + ")");
            }
        }
    }

    /** Every element within {@code rel * |expected| + abs}. */
    protected static void assertRelative(float[] expected, float[] actual, double rel, double abs, String what) {
        double[] allowed = new double[expected.length];
        for (int i = 0; i < allowed.length; i++) {
            allowed[i] = rel * Math.abs(expected[i]) + abs;
        }
        assertWithin(expected, actual, allowed, what);
    }
}
