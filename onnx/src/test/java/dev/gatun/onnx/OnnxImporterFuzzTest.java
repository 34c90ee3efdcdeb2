package dev.gatun.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatun.config.ConfigLoader;
import dev.gatun.config.FittedPreprocessing;
import dev.gatun.config.ModelConfig;
import dev.gatun.config.ModelFactory;
import dev.gatun.data.Standardizer;
import dev.gatun.nn.Module;
import dev.gatun.testing.ReaderOracle;
import dev.gatun.testing.SeedCorpus;
import dev.gatun.tensor.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Fuzzes {@code gatun import}: any file is imported ({@link OnnxImporter#read}, then written as a
 * run folder and loaded back) or refused with an {@link java.io.IOException} of one line naming
 * it, as {@link ReaderOracle} checks (sizes from the file are checked before allocation, within
 * the oracle's memory budget). The seeds in {@code OnnxImporterFuzzTestInputs/reads/} run as
 * regression tests; {@code make fuzz} fuzzes.
 */
class OnnxImporterFuzzTest {
    private static final String FILE = "fuzz-input.onnx";
    private static final JsonNode BLOBS = ConfigLoader.parseYaml("{source: synthetic, kind: blobs, centers: 3}", "test");

    @TempDir
    static Path dir;

    @AfterAll
    static void writeSeedsIfAsked() throws IOException {
        SeedCorpus.writeIfAsked(OnnxImporterFuzzTest.class, "reads", OnnxImporterFuzzTest::validSeeds);
    }

    private static boolean warm;

    @FuzzTest
    @Timeout(ReaderOracle.SECONDS)
    void reads(byte[] input) throws IOException {
        if (!warm) {
            // The first import loads (and, while fuzzing, instruments) the large generated protobuf
            // classes in this thread, which takes seconds and gigabytes that are not the input's.
            warm = true;
            Path seed = dir.resolve("warm-up.onnx");
            Files.write(seed, validSeeds().values().iterator().next());
            importAndDelete(seed);
        }
        Path file = dir.resolve(FILE);
        Files.write(file, input);
        ReaderOracle.check(FILE, () -> importAndDelete(file), IOException.class);
    }

    @Test
    void validSeedsAreAccepted() throws IOException {
        ReaderOracle.acceptsEach(validSeeds(), dir, OnnxImporterFuzzTest::importAndDelete);
    }

    private static void importAndDelete(Path file) throws IOException {
        OnnxImporter.ImportedModel model = OnnxImporter.read(file, "fuzz", BLOBS);
        Path run = dir.resolve("fuzz-run");
        try {
            OnnxImporter.write(model, run);
        } finally {
            if (Files.exists(run)) {
                try (Stream<Path> files = Files.walk(run)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** Small exports of each layer family, one with a saved standardization. */
    static Map<String, byte[]> validSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("valid-dense-standardized.onnx", export("{input: [4], layers: [{type: dense, units: 5},"
                + " {type: gelu, approximate: tanh}, {type: dropout, p: 0.2}, {type: dense, units: 3}]}", true));
        seeds.put("valid-conv.onnx", export("{input: [2, 6, 5], layers: [{type: conv2d, filters: 4, kernel: 3,"
                + " padding: 1, groups: 2}, {type: batchnorm}, {type: silu}, {type: maxpool2d, kernel: 2},"
                + " {type: avgpool2d, kernel: 2, stride: 1, padding: 1}, {type: globalavgpool2d},"
                + " {type: dense, units: 3}]}", false));
        seeds.put("valid-lstm.onnx", export("{input: [3, 2], layers: [{type: lstm, hidden: 2, layers: 2,"
                + " bidirectional: true}, {type: last_state, units: 3}]}", false));
        seeds.put("valid-graph.onnx", export("{input: [2, 4, 4], layers: [{type: conv2d, filters: 2, kernel: 1,"
                + " name: a}, {type: residual, layers: [{type: conv2d, filters: 3, kernel: 3, stride: 2, padding: 1}]},"
                + " {type: flatten, name: f}, {type: flatten, inputs: [a], name: g}, {type: concat, inputs: [f, g]},"
                + " {type: dense, units: 3}]}", false));
        seeds.put("valid-gru.onnx", export("{input: [3, 2], layers: [{type: gru, hidden: 2}, {type: flatten},"
                + " {type: leaky_relu, slope: 0.1}, {type: dense, units: 3}]}", false));
        return seeds;
    }

    private static byte[] export(String yaml, boolean standardized) {
        ModelConfig config = ExportedLayersTest.model(yaml);
        int[] input = config.inputOrNull();
        int features = RoundTripTest.size(input);
        FittedPreprocessing pre = standardized ? new FittedPreprocessing(List.of(new FittedPreprocessing.Standardize(
                Standardizer.of(ExportedLayersTest.random(1, features), new float[] {0.5f, 1f, 2f, 4f}))))
                : FittedPreprocessing.none();
        try (Scope scope = Scope.open("seed")) {
            Module network = ModelFactory.module(config, input, 2);
            ExportedLayersTest.randomize(network, 2);
            return OnnxExporter.export(config, input, network, pre, List.of("a", "b", "c")).toByteArray();
        }
    }
}
