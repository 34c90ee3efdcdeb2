package dev.gatun.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.gatun.bindings.Gpu;
import dev.gatun.bindings.GpuAvailability;
import dev.gatun.device.DeviceGraph;
import dev.gatun.device.DeviceRuntime;
import dev.gatun.device.DeviceRuntimes;
import dev.gatun.device.GraphCaptureException;
import dev.gatun.nn.Activation;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Parameter;
import dev.gatun.nn.Sequential;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CUDA graphs on a GPU: capture records without running, launches replay, host syncs are refused, and a replayed
 * training step gives the eager step's weights bit for bit. */
class CudaGraphTest {
    private static final Device GPU = Device.cuda(0);
    private DeviceRuntime runtime;

    @BeforeEach
    void gpu() {
        GpuAvailability gpu = Gpu.availability();
        if (!gpu.available()) {
            abort("no GPU here: " + gpu.reason());
        }
        runtime = DeviceRuntimes.of(GPU);
        assertNull(runtime.captureRefusal());
    }

    @AfterEach
    void noCaptureLeftOpen() {
        if (runtime != null) {
            runtime.abortCapture();
        }
    }

    @Test
    void aCaptureRunsNothingAndEachLaunchRunsItOnce() {
        try (Scope s = Scope.open("graph")) {
            Tensor x = Tensor.uniform(1, -1, 1, DType.FLOAT32, 33, 17).to(GPU);
            Tensor w = Tensor.uniform(2, -1, 1, DType.FLOAT32, 17, 9).to(GPU);
            Tensor acc = Tensor.zeros(DType.FLOAT32, 33, 9).to(GPU);
            float[] once = x.matmul(w).toFloatArray();
            runtime.beginCapture();
            acc.copyFrom(acc.add(x.matmul(w)));
            DeviceGraph graph = runtime.endCapture();
            assertArrayEquals(new float[33 * 9], acc.toFloatArray(), "a capture must not run the step");
            assertTrue(graph.operations() >= 2, graph.toString());
            for (int i = 0; i < 3; i++) {
                graph.launch();
            }
            float[] thrice = new float[once.length];
            for (int i = 0; i < once.length; i++) {
                thrice[i] = once[i] + once[i] + once[i];
            }
            assertArrayEquals(thrice, acc.toFloatArray());
            graph.close();
            assertThrows(IllegalStateException.class, graph::launch);
        }
    }

    @Test
    void aHostReadDuringCaptureIsRefusedAndTheDeviceWorksAfterTheAbort() {
        try (Scope s = Scope.open("sync")) {
            Tensor x = Tensor.of(new float[] {1, 2}, 2).to(GPU);
            runtime.beginCapture();
            GraphCaptureException e = assertThrows(GraphCaptureException.class, () -> x.add(x).toFloatArray());
            assertEquals(GraphCaptureException.Reason.HOST_SYNC, e.reason());
            runtime.abortCapture();
            assertFalse(runtime.isCapturing());
            assertArrayEquals(new float[] {2, 4}, x.add(x).toFloatArray());
        }
    }

    @Test
    void aReplayedAdamTrainingStepEqualsTheEagerStepBitForBit() {
        try (Scope s = Scope.open("runs")) {
            Sequential eager = mlp();
            Sequential graphed = mlp();
            Adam eagerAdam = new Adam(eager.parameters(), 0.01);
            Adam graphedAdam = new Adam(graphed.parameters(), 0.01);
            eagerAdam.keepStepCountOnDevice();
            graphedAdam.keepStepCountOnDevice();
            Tensor features = Tensor.zeros(DType.FLOAT32, 64, 20).to(GPU);
            Tensor labels = Tensor.zeros(DType.INT32, 64).to(GPU);
            DeviceGraph graph = null;
            for (int step = 0; step < 8; step++) {
                try (Scope batch = Scope.open("batch")) {
                    SplittableRandom rng = new SplittableRandom(step);
                    int[] l = new int[64];
                    for (int i = 0; i < 64; i++) {
                        l[i] = rng.nextInt(4);
                    }
                    features.copyFrom(Tensor.uniform(step, -2, 2, DType.FLOAT32, 64, 20));
                    labels.copyFrom(Tensor.of(l, 64));
                    step(eager, eagerAdam, features, labels);
                    if (step < 2) {
                        step(graphed, graphedAdam, features, labels);
                    } else if (step == 2) {
                        runtime.beginCapture();
                        step(graphed, graphedAdam, features, labels);
                        graph = runtime.endCapture();
                        graph.launch();
                    } else {
                        graph.launch();
                        graphedAdam.countReplayedStep();
                    }
                }
                for (int p = 0; p < eager.parameters().size(); p++) {
                    Parameter e = eager.parameters().get(p);
                    assertArrayEquals(e.tensor().toFloatArray(), graphed.parameters().get(p).tensor().toFloatArray(),
                            "step " + step + ", " + e.name());
                }
            }
            graph.close();
        }
    }

    private static Sequential mlp() {
        SplittableRandom rng = new SplittableRandom(5);
        Sequential m = new Sequential(new Linear(20, 32, rng), Activation.relu(), new Linear(32, 4, rng));
        m.to(GPU);
        m.train(true);
        return m;
    }

    private static void step(Sequential model, Adam adam, Tensor features, Tensor labels) {
        Tensor loss = Losses.crossEntropy(model.forward(features), labels);
        adam.zeroGrad();
        loss.backward();
        adam.step();
    }
}
