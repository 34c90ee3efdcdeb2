package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.data.DataLoader;
import dev.gatun.data.Synthetic;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Conv2d;
import dev.gatun.nn.Flatten;
import dev.gatun.nn.Linear;
import dev.gatun.nn.MaxPool2d;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import dev.gatun.train.metrics.EpochMetrics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tensors on a device, through the fake device (host memory that host code may not touch, CPU
 * kernels behind a device backend): transfers, element access, placement of op results, autograd
 * across {@code to}, moving modules, and a whole training run that must equal the host's.
 */
class DeviceTensorTest {
    private static final Device FAKE = Device.fake();

    @AfterEach
    void hostBackend() {
        BackendRegistry.use("cpu");
    }

    @Test
    void transfersKeepValuesDtypesAndViews() {
        try (Scope s = Scope.open()) {
            Tensor f = Tensor.uniform(1, -1, 1, DType.FLOAT32, 5, 7);
            Tensor i = Tensor.of(new int[] {3, -1, 7, 0}, 2, 2);
            Tensor d = Tensor.uniform(2, -1, 1, DType.FLOAT64, 3);
            for (Tensor t : List.of(f, i, d, f.t(), f.slice(1, 2, 5))) {
                Tensor there = t.to(FAKE);
                assertEquals(FAKE, there.device());
                assertTrue(there.isContiguous());
                Tensor back = there.to(Device.CPU);
                assertEquals(Device.CPU, back.device());
                assertArrayEquals(t.toDoubleArray(), back.toDoubleArray(), t.describe());
            }
            assertSame(f, f.to(Device.CPU), "to() the same device is the tensor itself");
        }
    }

    @Test
    void elementAccessWorksButHostCodeCannotTouchDeviceMemory() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).to(FAKE);
            assertEquals(3, t.get(1, 0));
            t.set(9, 1, 0);
            assertArrayEquals(new float[] {1, 2, 9, 4}, t.toFloatArray());
            assertEquals(4, t.slice(0, 1, 2).slice(1, 1, 2).item());
            assertTrue(t.toString().contains("on fake:0"), t.toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, t::segment);
            assertEquals("tensor float32[2, 2] is on fake:0: host code cannot read it; copy it to the host with"
                    + " to(Device.CPU)", e.getMessage());
        }
    }

    @Test
    void badDevicesAndFloat64OnCudaAreRefusedBeforeAnythingMoves() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("fake:1"));
        assertTrue(e.getMessage().contains("there is only fake:0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        try (Scope s = Scope.open()) {
            Tensor d = Tensor.zeros(DType.FLOAT64, 3);
            IllegalArgumentException f64 = assertThrows(IllegalArgumentException.class, () -> d.to(Device.cuda(0)));
            assertEquals("cannot move float64[3] to cuda:0: the cuda backend computes in float32 (and int32); convert it"
                    + " on the host first with to(DType.FLOAT32)", f64.getMessage());
            // Made there directly: refused before any CUDA call, so this runs without a GPU too.
            IllegalArgumentException made = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(s, Device.cuda(0), DType.FLOAT64, 2, 3));
            assertEquals("cannot allocate float64[2, 3] on cuda:0: the cuda backend computes in float32 (and int32);"
                    + " convert it on the host first with to(DType.FLOAT32)", made.getMessage());
        }
    }

    @Test
    void aModelPlacedOnADeviceStaysThereWhateverTheBackend() {
        try (Scope s = Scope.open()) {
            SplittableRandom rng = new SplittableRandom(3);
            Sequential model = new Sequential(new Linear(2, 8, rng), Activation.relu(), new Linear(8, 3, rng));
            model.to(FAKE);
            Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.03), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            assertEquals(FAKE, model.device(), "the cpu backend's trainer leaves a device model where it is");
            DataLoader train = new DataLoader(Synthetic.blobs(96, 3, 1.0, 5), 32, true, 9, false);
            List<EpochMetrics> h = trainer.fit(train, null, 2, null);
            assertEquals(2, h.size());
            assertEquals(FAKE, model.parameters().getFirst().grad().device());
        }
    }

    @Test
    void deviceMemoryBelongsToItsScope() {
        Tensor t;
        try (Scope s = Scope.open("short")) {
            t = Tensor.zeros(s, FAKE, DType.FLOAT32, 3);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.getFlat(0));
        assertTrue(e.getMessage().contains("used after its scope 'short' was closed"), e.getMessage());
    }

    @Test
    void opResultsStayOnTheDeviceAndGradientsFlowBackToTheHost() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
            Tensor onDevice = x.to(FAKE);
            Tensor y = onDevice.mul(onDevice).relu().sum();
            assertEquals(FAKE, y.device());
            assertEquals(14, y.item());
            y.backward();
            assertEquals(Device.CPU, x.grad().device());
            assertArrayEquals(new float[] {2, -4, 6}, x.grad().toFloatArray());
            Tensor mixed = Tensor.of(new float[] {1, 2, 3}, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> onDevice.add(mixed));
            assertTrue(e.getMessage().contains("is on cpu but the fake backend runs on fake:0"), e.getMessage());
        }
    }

    @Test
    void moduleToMovesParametersInPlaceAndComputesAsOnTheHost() {
        try (Scope s = Scope.open()) {
            Sequential host = cnn(3);
            Sequential moved = cnn(3);
            List<Parameter> before = moved.parameters();
            moved.to(FAKE);
            assertEquals(FAKE, moved.device());
            for (int i = 0; i < before.size(); i++) {
                assertSame(before.get(i).tensor(), moved.parameters().get(i).tensor(), "the same Tensor object");
                assertEquals(FAKE, moved.parameters().get(i).tensor().device());
            }
            Tensor x = Tensor.uniform(4, 0, 1, DType.FLOAT32, 2, 1, 8, 8);
            Tensor a = host.forward(x);
            Tensor b = moved.forward(x.to(FAKE));
            assertEquals(FAKE, b.device());
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), "the fake device runs the CPU kernels");
            b.sum().backward();
            a.sum().backward();
            for (int i = 0; i < before.size(); i++) {
                assertEquals(FAKE, moved.parameters().get(i).grad().device());
                assertArrayEquals(host.parameters().get(i).grad().toFloatArray(),
                        moved.parameters().get(i).grad().toFloatArray());
            }
        }
    }

    @Test
    void trainingOnTheDeviceEqualsTrainingOnTheHost() {
        List<EpochMetrics> onHost = train("cpu");
        List<EpochMetrics> onDevice = train("fake");
        assertEquals(onHost.size(), onDevice.size());
        for (int e = 0; e < onHost.size(); e++) {
            assertEquals(onHost.get(e).trainLoss(), onDevice.get(e).trainLoss(), "epoch " + e);
            assertEquals(onHost.get(e).trainAccuracy(), onDevice.get(e).trainAccuracy(), "epoch " + e);
            assertEquals(onHost.get(e).valLoss(), onDevice.get(e).valLoss(), "epoch " + e);
        }
        assertTrue(onDevice.getLast().trainAccuracy() > 0.9, "accuracy " + onDevice.getLast().trainAccuracy());
    }

    @Test
    void trainingOnAGpuMatchesTheHostToFloatRounding() {
        String noGpu = dev.gatun.device.DeviceRuntimes.unavailable(dev.gatun.tensor.Device.Kind.CUDA);
        if (noGpu != null) {
            org.junit.jupiter.api.Assumptions.abort(noGpu);
        }
        List<EpochMetrics> onHost = train("cpu");
        List<EpochMetrics> onGpu = train("cuda");
        for (int e = 0; e < onHost.size(); e++) {
            assertEquals(onHost.get(e).trainLoss(), onGpu.get(e).trainLoss(), 1e-3 * onHost.get(e).trainLoss(), "epoch " + e);
            assertEquals(onHost.get(e).valLoss(), onGpu.get(e).valLoss(), 1e-3 * onHost.get(e).valLoss(), "epoch " + e);
        }
        assertTrue(onGpu.getLast().trainAccuracy() > 0.9, "accuracy " + onGpu.getLast().trainAccuracy());
        try (Scope s = Scope.open()) {
            // A convolutional model with batch norm and dropout, one step: the same loss and gradients.
            Sequential host = cnnWithNorm(5);
            Sequential gpuNet = cnnWithNorm(5);
            gpuNet.to(Device.cuda(0));
            Tensor x = Tensor.uniform(6, 0, 1, DType.FLOAT32, 8, 1, 8, 8);
            Tensor y = Tensor.of(new int[] {0, 1, 2, 3, 4, 0, 1, 2}, 8);
            BackendRegistry.use("cpu");
            Tensor hostLoss = dev.gatun.ops.Losses.crossEntropy(host.forward(x), y);
            hostLoss.backward();
            Tensor gpuLoss = dev.gatun.ops.Losses.crossEntropy(gpuNet.forward(x.to(Device.cuda(0))), y.to(Device.cuda(0)));
            gpuLoss.backward();
            assertEquals(hostLoss.item(), gpuLoss.item(), 1e-5 * Math.abs(hostLoss.item()));
            for (int i = 0; i < host.parameters().size(); i++) {
                float[] a = host.parameters().get(i).grad().toFloatArray();
                float[] b = gpuNet.parameters().get(i).grad().toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    assertEquals(a[k], b[k], 1e-4 * Math.max(1e-2, Math.abs(a[k])), "parameter " + i + " at " + k);
                }
            }
        }
    }

    private static Sequential cnnWithNorm(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, rng), new dev.gatun.nn.BatchNorm2d(4), Activation.relu(),
                new MaxPool2d(2), new dev.gatun.nn.Dropout(0.25, 3), new Flatten(), new Linear(4 * 4 * 4, 5, rng));
    }

    private static List<EpochMetrics> train(String backend) {
        BackendRegistry.use(backend);
        try (Scope s = Scope.open("train on " + backend)) {
            SplittableRandom rng = new SplittableRandom(3);
            Sequential model = new Sequential(new Linear(2, 16, rng), Activation.relu(), new Linear(16, 3, rng));
            Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.03), Loss.CROSS_ENTROPY,
                    new PrintStream(OutputStream.nullOutputStream()), false);
            assertEquals(BackendRegistry.device(), model.device(), "the trainer moves the model to the backend's device");
            DataLoader train = new DataLoader(Synthetic.blobs(240, 3, 1.0, 5), 32, true, 9, false);
            DataLoader validation = new DataLoader(Synthetic.blobs(90, 3, 1.0, 6), 32, false, 0, false);
            return trainer.fit(train, validation, 3, null);
        }
    }

    private static Sequential cnn(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
                new Flatten(), new Linear(4 * 4 * 4, 5, rng));
    }
}
