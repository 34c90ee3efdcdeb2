package dev.gatun.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.nn.BatchNorm1d;
import dev.gatun.nn.Linear;
import dev.gatun.nn.Sequential;
import dev.gatun.tensor.MemoryBudgetException;
import dev.gatun.tensor.Scope;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the safetensors reader: any file is read ({@link SafetensorsReader#read}) and loaded
 * into a small linear + batch norm model ({@link SafetensorsReader#loadInto}), or refused with a
 * {@link SafetensorsFormatException} (or a {@link MemoryBudgetException}) naming it, as
 * {@link ReaderOracle} checks. The seeds in {@code SafetensorsReaderFuzzTestInputs/readsAndLoads/}
 * run as regression tests; {@code make fuzz} fuzzes.
 */
class SafetensorsReaderFuzzTest {
    private static final String FILE = "fuzz-input.safetensors";

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(SafetensorsReaderFuzzTest.class, "readsAndLoads", () -> {
            Map<String, byte[]> seeds = new LinkedHashMap<>(validSeeds());
            // PyTorch's own files, which the Python reference wrote for the compatibility tests
            try (Stream<Path> fixtures = Files.list(Path.of("src", "test", "resources", "safetensors"))) {
                for (Path f : fixtures.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList()) {
                    seeds.put("pytorch-" + f.getFileName(), Files.readAllBytes(f));
                }
            }
            return seeds;
        });
    }

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void readsAndLoads(byte[] input) throws IOException {
        Path file = dir.resolve(FILE);
        Files.write(file, input);
        ReaderOracle.check(FILE, () -> read(file), SafetensorsFormatException.class, MemoryBudgetException.class);
        ReaderOracle.check(FILE, () -> load(file), SafetensorsFormatException.class, MemoryBudgetException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        ReaderOracle.acceptsEach(validSeeds(), dir, file -> {
            read(file);
            load(file);
        });
    }

    private static void read(Path file) throws IOException {
        try (Scope s = Scope.open("fuzz read")) {
            SafetensorsReader.load(file, s);
        }
    }

    private static void load(Path file) throws IOException {
        try (Scope s = Scope.open("fuzz loadInto")) {
            SafetensorsReader.loadInto(model(), file);
        }
    }

    /** Tensors 0.weight [3, 4], 0.bias [3], and 1.weight, 1.bias, 1.running_mean, 1.running_var [3]. */
    private static Sequential model() {
        return new Sequential(new Linear(4, 3, new SplittableRandom(1)), new BatchNorm1d(3));
    }

    /**
     * The model's state as Gatun writes it, and as PyTorch could: every dtype the reader converts
     * (F16, BF16, F64, I32, I64, U8, BOOL) with values float32 holds exactly, and the batch counter.
     */
    static Map<String, byte[]> validSeeds() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        try (Scope s = Scope.open("seeds")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SafetensorsWriter.write(model().state(), Map.of("format", "pt"), out);
            seeds.put("valid-gatun-model.safetensors", out.toByteArray());
        }
        Map<String, Raw> raw = new LinkedHashMap<>();
        raw.put("0.weight", new Raw("F16", new int[] {3, 4}, le(24, b -> {
            for (int i = 0; i < 12; i++) {
                b.putShort(Float.floatToFloat16((i - 6) / 8f));
            }
        })));
        raw.put("0.bias", new Raw("BF16", new int[] {3}, le(6, b -> {
            for (float v : new float[] {0.5f, -1.25f, 3f}) {
                b.putShort((short) (Float.floatToIntBits(v) >>> 16));
            }
        })));
        raw.put("1.weight", new Raw("F64", new int[] {3}, le(24, b -> b.putDouble(1).putDouble(0.75).putDouble(-2))));
        raw.put("1.bias", new Raw("I32", new int[] {3}, le(12, b -> b.putInt(0).putInt(-7).putInt(1 << 24))));
        raw.put("1.running_mean", new Raw("I64", new int[] {3}, le(24, b -> b.putLong(5).putLong(-3).putLong(1L << 30))));
        raw.put("1.running_var", new Raw("U8", new int[] {3}, new byte[] {1, 2, (byte) 255}));
        raw.put("1.num_batches_tracked", new Raw("I64", new int[0], le(8, b -> b.putLong(12))));
        seeds.put("valid-pytorch-dtypes.safetensors", file(raw));
        raw.put("1.running_var", new Raw("BOOL", new int[] {3}, new byte[] {1, 0, 1}));
        seeds.put("valid-bool.safetensors", file(raw));
        return seeds;
    }

    /** One tensor of a hand-built file: its dtype code, shape and little-endian bytes. */
    private record Raw(String dtype, int[] shape, byte[] data) {}

    private interface Fill {
        void into(ByteBuffer b);
    }

    private static byte[] le(int bytes, Fill fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.into(b);
        return b.array();
    }

    private static byte[] file(Map<String, Raw> tensors) {
        StringBuilder header = new StringBuilder("{");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Raw> e : tensors.entrySet()) {
            Raw r = e.getValue();
            header.append(header.length() > 1 ? "," : "").append(SafetensorsWriter.json(e.getKey()))
                    .append(":{\"dtype\":\"").append(r.dtype()).append("\",\"shape\":")
                    .append(java.util.Arrays.toString(r.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(data.size()).append(',').append(data.size() + r.data().length).append("]}");
            data.writeBytes(r.data());
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        return le(8 + h.length + data.size(), b -> b.putLong(h.length).put(h).put(data.toByteArray()));
    }
}
