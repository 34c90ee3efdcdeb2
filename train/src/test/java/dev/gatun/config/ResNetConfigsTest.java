package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.nn.Module;
import dev.gatun.ops.Losses;
import dev.gatun.optim.Sgd;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two shipped ResNets ({@code configs/cifar10-resnet18.yaml}, {@code configs/imagenet-resnet50.yaml}):
 * their parameter counts against the architecture tables of He et al. (2016), a few training steps of
 * the CIFAR one, and a forward pass of the 224×224 one.
 */
class ResNetConfigsTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("resnet-test");
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static ExperimentConfig shipped(String file) throws IOException {
        return ConfigLoader.load(ShippedConfigsTest.dir().resolve(file)).getFirst();
    }

    private static Module build(ExperimentConfig c) {
        return ModelFactory.module(c.model(), c.exampleShapeOrNull(), c.seed());
    }

    private static long conv(int kernel, int in, int out) {
        return (long) kernel * kernel * in * out;
    }

    private static long batchNorm(int channels) {
        return 2L * channels;
    }

    /**
     * ResNet-18 for 32×32 images by its table: a 3×3 stem of 64 channels, stages of two basic blocks
     * (3×3, 3×3) at 64, 128, 256 and 512 channels, bias-free convs each followed by batch norm, a
     * bias-free 1×1 conv projecting x where a block changes the channels, and a dense 512 → 10.
     */
    static long resnet18CifarTable() {
        long n = conv(3, 3, 64) + batchNorm(64);
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            for (int block = 0; block < 2; block++) {
                n += conv(3, in, width) + batchNorm(width) + conv(3, width, width) + batchNorm(width);
                if (in != width) {
                    n += conv(1, in, width);
                }
                in = width;
            }
        }
        return n + 512 * 10 + 10;
    }

    /**
     * ResNet-50 by its table: a 7×7 stem of 64 channels, stages of 3, 4, 6 and 3 bottlenecks (1×1 to
     * the width, 3×3, 1×1 to 4 × the width) of widths 64, 128, 256 and 512, convs and norms as above,
     * a 1×1 projection where a block changes the channels, and a dense 2048 → 1000.
     */
    static long resnet50Table() {
        long n = conv(7, 3, 64) + batchNorm(64);
        int in = 64;
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < 4; stage++) {
            int width = 64 << stage;
            int out = 4 * width;
            for (int block = 0; block < blocks[stage]; block++) {
                n += conv(1, in, width) + batchNorm(width) + conv(3, width, width) + batchNorm(width)
                        + conv(1, width, out) + batchNorm(out);
                if (in != out) {
                    n += conv(1, in, out);
                }
                in = out;
            }
        }
        return n + 2048 * 1000 + 1000;
    }

    @Test
    void theTablesAreTorchvisionsLessTheNormsOnTheProjections() {
        // torchvision follows each projection with a batch norm; the residual layer's projection has none.
        assertEquals(11_173_962, resnet18CifarTable() + batchNorm(128) + batchNorm(256) + batchNorm(512));
        assertEquals(25_557_032, resnet50Table() + batchNorm(256) + batchNorm(512) + batchNorm(1024) + batchNorm(2048));
    }

    @Test
    void cifarResnet18HasTheTablesParametersAndLearnsAFixedBatch() throws IOException {
        ExperimentConfig c = shipped("cifar10-resnet18.yaml");
        assertInstanceOf(DataConfig.Cifar.class, c.data().source());
        assertEquals(256, c.training().batch());
        assertArrayEquals(new int[] {3, 32, 32}, c.exampleShapeOrNull());
        assertEquals(resnet18CifarTable(), ModelMemory.of(c.model(), c.exampleShapeOrNull()).parameters());
        Module net = build(c);
        assertEquals(resnet18CifarTable(), net.parameterCount());

        SplittableRandom rng = new SplittableRandom(7);
        // One image: batch norm still has 16 to 1,024 positions a channel, and two cores stay under 20 s.
        Tensor x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, 1, 3, 32, 32);
        Tensor y = Tensor.of(new int[] {3}, 1);
        net.train(true);
        Sgd sgd = new Sgd(net.parameters(), 0.01, 0.9, 0, 0, false);
        double[] losses = new double[3];
        for (int i = 0; i < losses.length; i++) {
            try (Scope step = Scope.open("step")) {
                Tensor out = net.forward(x);
                assertArrayEquals(new int[] {1, 10}, out.shape());
                Tensor l = Losses.crossEntropy(out, y);
                sgd.zeroGrad();
                l.backward();
                sgd.step();
                losses[i] = l.item();
            }
            assertTrue(Double.isFinite(losses[i]), "step " + i + " loss " + losses[i]);
        }
        assertTrue(losses[2] < losses[1] && losses[1] < losses[0],
                "the loss on one fixed batch went " + Arrays.toString(losses));
    }

    @Test
    void resnet50HasTheTablesParametersAndScoresAThousandClassesAt224() throws IOException {
        ExperimentConfig c = shipped("imagenet-resnet50.yaml");
        assertEquals(64, c.training().batch());
        assertArrayEquals(new int[] {3, 224, 224}, c.exampleShapeOrNull());
        assertEquals(resnet50Table(), ModelMemory.of(c.model(), c.exampleShapeOrNull()).parameters());
        Module net = build(c);
        assertEquals(resnet50Table(), net.parameterCount());

        net.train(false);
        Tensor out = net.forward(Tensor.uniform(new SplittableRandom(7), 0, 1, DType.FLOAT32, 1, 3, 224, 224));
        assertArrayEquals(new int[] {1, 1000}, out.shape());
        float[] scores = out.toFloatArray();
        for (float s : scores) {
            assertTrue(Float.isFinite(s), "a score is " + s);
        }
    }
}
