package dev.gatun.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.kernels.half.HalfBits;
import dev.gatun.tensor.DType;
import dev.gatun.tensor.Device;
import dev.gatun.tensor.Scope;
import dev.gatun.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bfloat16 and float16 tensors through safetensors files: kept as halves or widened, and loaded into models. */
class SafetensorsHalfTest {
    @TempDir
    Path dir;

    private static Tensor random(DType dtype, long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(dtype, shape);
        for (long i = 0; i < t.size(); i++) {
            t.setFlat(i, Math.scalb(r.nextDouble(-2, 2), r.nextInt(-26, 16)));
        }
        return t;
    }

    private static short[] bits(Tensor half) {
        float[] v = half.toFloatArray();
        short[] out = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = half.dtype() == DType.BFLOAT16 ? HalfBits.toBf16(v[i]) : HalfBits.toFp16(v[i]);
        }
        return out;
    }

    private Path write(Map<String, Tensor> tensors) throws IOException {
        Path file = dir.resolve("halves.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter.writeTensors(tensors, null, out);
        }
        return file;
    }

    @Test
    void halvesRoundTripKeptOrWidenedFromHostAndDevice() throws IOException {
        for (Device device : List.of(Device.CPU, Device.fake())) {
            try (Scope s = Scope.open("round trip")) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                tensors.put("b", random(DType.BFLOAT16, 1, 5, 7).to(device));
                tensors.put("h", random(DType.FLOAT16, 2, 3, 1, 9).to(device));
                tensors.put("f", random(DType.FLOAT32, 3, 4).to(device));
                // A transposed view is written by position.
                tensors.put("bt", random(DType.BFLOAT16, 4, 6, 2).to(device).t());
                Path file = write(tensors);
                Map<String, Tensor> kept = SafetensorsReader.load(file, s, true).tensors();
                Map<String, Tensor> widened = SafetensorsReader.read(file, s);
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    Tensor original = e.getValue();
                    Tensor k = kept.get(e.getKey());
                    assertEquals(original.dtype(), k.dtype(), e.getKey());
                    assertArrayEquals(original.shape(), k.shape(), e.getKey());
                    assertArrayEquals(original.toFloatArray(), k.toFloatArray(), e.getKey() + " on " + device);
                    if (original.dtype().isHalf()) {
                        assertArrayEquals(bits(original), bits(k), e.getKey());
                    }
                    Tensor w = widened.get(e.getKey());
                    assertEquals(DType.FLOAT32, w.dtype(), e.getKey() + " widens by default");
                    assertArrayEquals(original.toFloatArray(), w.toFloatArray(), e.getKey() + " widened");
                }
            }
        }
    }

    @Test
    void halfModelTensorsLoadFromFloat32OnlyWhenExact() throws IOException {
        try (Scope s = Scope.open("load into")) {
            Tensor exact = Tensor.of(new float[] {1f, -2.5f, 0.375f, 65504f}, 4);
            Path file = write(Map.of("x", exact));
            Tensor slot = Tensor.zeros(DType.FLOAT16, 4);
            SafetensorsReader.loadInto(new BufferModule(new LinkedHashMap<>(Map.of("x", slot))), file);
            assertArrayEquals(exact.toFloatArray(), slot.toFloatArray());

            Path inexact = write(Map.of("x", Tensor.of(new float[] {1f, 0.1f, 2f, 3f}, 4)));
            Tensor bf = Tensor.zeros(DType.BFLOAT16, 4);
            SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () ->
                    SafetensorsReader.loadInto(new BufferModule(new LinkedHashMap<>(Map.of("x", bf))), inexact));
            assertTrue(e.getMessage().endsWith("tensor 'x' is F32 in the file; its value 0.1 at index [1] has no exact"
                    + " bfloat16 value"), e.getMessage());
            assertArrayEquals(new float[4], bf.toFloatArray(), "nothing copied before the refusal");
        }
    }
}
