package dev.gatun.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatun.models.FashionModels;
import dev.gatun.nn.Module;
import dev.gatun.nn.Parameter;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Adam;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class JitWarmUpTest {
    @Test
    void theKindsOfTheSamplesNetworksAreFound() {
        try (Scope scope = Scope.open("kinds")) {
            assertEquals(EnumSet.of(JitWarmUp.Kind.DENSE), JitWarmUp.kindsOf(FashionModels.mlp(new SplittableRandom(1))));
            assertEquals(EnumSet.of(JitWarmUp.Kind.DENSE, JitWarmUp.Kind.CONV),
                    JitWarmUp.kindsOf(FashionModels.cnn(new SplittableRandom(1))));
            assertEquals(EnumSet.of(JitWarmUp.Kind.DENSE, JitWarmUp.Kind.RECURRENT),
                    JitWarmUp.kindsOf(FashionModels.lstm(new SplittableRandom(1))));
        }
    }

    @Test
    void aTrainingBesideTheWarmUpEndsWithTheSameBitsAndTheWarmUpLeavesNothingAllocated() throws Exception {
        List<float[]> alone = trainSmallCnn();
        long live = Scope.liveBytes();
        CompletableFuture<Void> warmUp = CompletableFuture.runAsync(() -> JitWarmUp.run(EnumSet.allOf(JitWarmUp.Kind.class)));
        List<float[]> beside = trainSmallCnn();
        warmUp.get();
        assertEquals(live, Scope.liveBytes(), "the warm-up's tensors are freed");
        assertEquals(alone.size(), beside.size());
        for (int i = 0; i < alone.size(); i++) {
            assertArrayEquals(alone.get(i), beside.get(i), "parameter " + i);
        }
    }

    @Test
    void startRefusesASecondWarmUpInTheSameJvm() {
        String was = System.getProperty("gatun.jitWarmUp");
        System.setProperty("gatun.jitWarmUp", "true");
        try {
            // The first call may have been made by another test of this JVM; a second never starts one.
            JitWarmUp.start(Set.of(JitWarmUp.Kind.DENSE));
            assertEquals(false, JitWarmUp.start(Set.of(JitWarmUp.Kind.DENSE)));
        } finally {
            if (was == null) {
                System.clearProperty("gatun.jitWarmUp");
            } else {
                System.setProperty("gatun.jitWarmUp", was);
            }
        }
    }

    /** The CNN sample's network, 8 Adam steps on one random batch of 16 images: the parameters after. */
    private static List<float[]> trainSmallCnn() {
        try (Scope scope = Scope.open("small cnn")) {
            SplittableRandom rng = new SplittableRandom(3);
            Module net = FashionModels.cnn(rng);
            float[] x = new float[16 * 28 * 28];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble();
            }
            int[] labels = new int[16];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(10);
            }
            Tensor features = Tensor.of(x, 16, 1, 28, 28);
            Tensor targets = Tensor.of(labels, 16);
            Adam adam = new Adam(net.parameters(), 1e-3);
            for (int s = 0; s < 8; s++) {
                try (Scope step = Scope.open("step")) {
                    adam.zeroGrad();
                    Losses.crossEntropy(net.forward(features), targets).backward();
                    adam.step();
                }
            }
            List<float[]> out = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                out.add(p.tensor().toFloatArray());
            }
            return out;
        }
    }
}
