package dev.gatun.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.ops.DropoutOp;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.tensor.internal.TensorInternals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeDeviceGraphTest {
    private final FakeDeviceRuntime runtime = (FakeDeviceRuntime) DeviceRuntimes.of(Device.fake());

    @AfterEach
    void noCaptureLeftOpen() {
        runtime.abortCapture();
    }

    @Test
    void aCaptureRecordsWithoutRunningAndEachLaunchRunsTheRecordOnce() {
        try (Scope s = Scope.open("graph")) {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).to(Device.fake());
            Tensor w = Tensor.of(new float[] {0.5f, -1, 2, 0.25f, 3, -0.75f}, 3, 2).to(Device.fake());
            Tensor acc = Tensor.zeros(DType.FLOAT32, 2, 2).to(Device.fake());
            float[] once;
            try (Scope eager = Scope.open("eager")) {
                once = x.matmul(w).toFloatArray();
            }

            runtime.beginCapture();
            acc.copyFrom(acc.add(x.matmul(w)));
            DeviceGraph graph = runtime.endCapture();
            assertArrayEquals(new float[4], acc.toFloatArray(), "a capture must not run the step");
            assertTrue(graph.operations() >= 3, graph.toString());

            graph.launch();
            assertArrayEquals(once, acc.toFloatArray());
            graph.launch();
            graph.launch();
            float[] thrice = new float[4];
            for (int i = 0; i < 4; i++) {
                thrice[i] = once[i] + once[i] + once[i];
            }
            assertArrayEquals(thrice, acc.toFloatArray(), "each launch adds x·w once more");
            graph.close();
            assertThrows(IllegalStateException.class, graph::launch);
        }
    }

    @Test
    void memoryAllocatedDuringCaptureStaysAtItsAddressesUntilTheGraphCloses() {
        AllocatorStats before = runtime.allocatorStats();
        long output;
        DeviceGraph graph;
        try (Scope s = Scope.open("graph")) {
            Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).to(Device.fake());
            runtime.beginCapture();
            Tensor y = x.mul(x).add(x);
            graph = runtime.endCapture();
            output = TensorInternals.deviceAddress(y);
            long[] addresses = new long[3];
            for (int i = 0; i < 3; i++) {
                graph.launch();
                addresses[i] = TensorInternals.deviceAddress(y);
                assertArrayEquals(new float[] {2, 2, 12}, y.toFloatArray());
            }
            assertArrayEquals(new long[] {output, output, output}, addresses);
            try (Scope other = Scope.open("someone else")) {
                for (int i = 0; i < 4; i++) {
                    Tensor t = Tensor.zeros(DType.FLOAT32, 3).to(Device.fake());
                    assertTrue(TensorInternals.deviceAddress(t) != output, "the graph's output was handed out again");
                }
            }
            assertTrue(runtime.allocatorStats().bytesHeldByGraphs() > before.bytesHeldByGraphs());
            graph.close();
        }
        AllocatorStats after = runtime.allocatorStats();
        assertEquals(before.bytesHeldByGraphs(), after.bytesHeldByGraphs());
        assertEquals(before.bytesInUse(), after.bytesInUse(), "nothing leaks once the graph closes");
    }

    @Test
    void aHostReadDuringCaptureIsRefusedNotRecorded() {
        long held = runtime.allocatorStats().bytesHeldByGraphs();
        try (Scope s = Scope.open("sync")) {
            Tensor x = Tensor.of(new float[] {1, 2}, 2).to(Device.fake());
            long inUse = runtime.allocatorStats().bytesInUse();
            runtime.beginCapture();
            GraphCaptureException e = assertThrows(GraphCaptureException.class, () -> x.add(x).toFloatArray());
            assertEquals(GraphCaptureException.Reason.HOST_SYNC, e.reason());
            assertThrows(GraphCaptureException.class, runtime::synchronize);
            GraphCaptureException in = assertThrows(GraphCaptureException.class,
                    () -> Tensor.of(new float[] {3}, 1).to(Device.fake()));
            assertEquals(GraphCaptureException.Reason.NOT_CAPTURABLE, in.reason());
            GraphCaptureException dropout = assertThrows(GraphCaptureException.class, () -> DropoutOp.apply(x, 0.5, 7));
            assertEquals(GraphCaptureException.Reason.NOT_CAPTURABLE, dropout.reason());
            runtime.abortCapture();
            assertTrue(!runtime.isCapturing());
            assertArrayEquals(new float[] {1, 2}, x.toFloatArray(), "after an abort the device runs eagerly again");
            assertTrue(runtime.allocatorStats().bytesInUse() >= inUse);
        }
        assertEquals(held, runtime.allocatorStats().bytesHeldByGraphs(), "an aborted capture keeps no memory");
    }

    @Test
    void theFakeDeviceCapturesAndADeviceWithoutCaptureSaysWhy() {
        assertNull(runtime.captureRefusal());
        DeviceRuntime plain = new DeviceRuntime() {
            @Override public Device device() { return Device.fake(); }
            @Override public DeviceBlock allocate(long bytes) { throw new UnsupportedOperationException(); }
            @Override public void zero(long address, long bytes) {}
            @Override public void copyIn(java.lang.foreign.MemorySegment src, long dst) {}
            @Override public void copyOut(long src, java.lang.foreign.MemorySegment dst) {}
            @Override public void copyWithin(long src, long dst, long bytes) {}
            @Override public void synchronize() {}
        };
        assertTrue(plain.captureRefusal().contains("CUDA graphs need a CUDA device"), plain.captureRefusal());
        assertThrows(UnsupportedOperationException.class, plain::beginCapture);
        assertTrue(!plain.isCapturing());
    }
}
