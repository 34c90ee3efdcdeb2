package dev.gatun.onnx;

import dev.gatun.config.TrainedModel;
import dev.gatun.data.FashionMnist;
import dev.gatun.onnx.proto.Onnx.ModelProto;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.FileNotFoundException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three Fashion-MNIST models of {@code pretrained/} (MLP with standardization, CNN, LSTM)
 * exported to ONNX give Gatun's logits in onnxruntime, on random images and, when the data set is
 * installed, on the first test images.
 */
class ExportedFashionModelsTest {
    private static final int IMAGES = 64;

    static Path pretrained(String name) {
        Path up = Path.of("..", "pretrained", name);
        return Files.isDirectory(up) ? up : Path.of("pretrained", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fashion-mlp", "fashion-cnn", "fashion-lstm"})
    void givesGatunsLogitsOnRandomImages(String name) throws Exception {
        float[] pixels = ExportedLayersTest.random(11, IMAGES * 784);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (pixels[i] + 2) / 4; // images are in [0, 1]
        }
        compare(name, pixels);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fashion-mlp", "fashion-cnn", "fashion-lstm"})
    void givesGatunsLogitsOnTestImages(String name) throws Exception {
        Path dir;
        try {
            dir = FashionMnist.locate(null);
        } catch (FileNotFoundException e) {
            Assumptions.abort("Fashion-MNIST not installed: " + e.getMessage());
            return;
        }
        float[] pixels = new float[IMAGES * 784];
        try (Arena arena = Arena.ofConfined()) {
            FashionMnist.Split test = FashionMnist.Split.load(dir, false, arena);
            for (int n = 0; n < IMAGES; n++) {
                MemorySegment image = test.image(n);
                for (int p = 0; p < 784; p++) {
                    pixels[n * 784 + p] = (image.get(ValueLayout.JAVA_BYTE, p) & 0xFF) / 255f;
                }
            }
        }
        compare(name, pixels);
    }

    private static void compare(String name, float[] pixels) throws Exception {
        try (Scope scope = Scope.open(name)) {
            TrainedModel model = TrainedModel.load(pretrained(name));
            int[] input = model.card().input();
            int[] batch = new int[input.length + 1];
            long[] shape = new long[input.length + 1];
            batch[0] = IMAGES;
            shape[0] = IMAGES;
            for (int i = 0; i < input.length; i++) {
                batch[i + 1] = input[i];
                shape[i + 1] = input[i];
            }
            float[] prepared = model.card().preprocessing().featureTransform().apply(pixels);
            float[] expected = model.module().forward(Tensor.of(prepared, batch)).contiguous().toFloatArray();
            ModelProto onnx = OnnxExporter.export(model);
            OnnxRuntimeRunner.assertClose(name, expected, OnnxRuntimeRunner.run(onnx, pixels, shape));
        }
    }
}
