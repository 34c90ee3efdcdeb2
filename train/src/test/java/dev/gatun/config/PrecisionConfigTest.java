package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatun.backend.BackendRegistry;
import dev.gatun.backend.Precision;
import dev.gatun.tensor.Scope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code training.precision} and {@code training.loss_scaling}: read, checked, and what a run does with them. */
class PrecisionConfigTest {
    @TempDir
    Path runs;

    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open("test");
    }

    @AfterEach
    void close() {
        scope.close();
        BackendRegistry.use("cpu");
    }

    private static ExperimentConfig config(String training) {
        return ExperimentConfig.from(ConfigLoader.parseYaml("""
                data: {source: synthetic, kind: linear}
                model: {layers: [{type: dense, units: 1}]}
                training: %s
                """.formatted(training), "p.yaml"), "p");
    }

    @Test
    void precisionIsReadWithFp16ScalingTheLossByDefault() {
        assertEquals(Precision.FP32, config("{epochs: 1}").training().precision());
        assertFalse(config("{epochs: 1}").training().lossScaling());
        assertFalse(config("{epochs: 1}").normalized().get("training").has("precision"),
                "fp32 stays out of config.json, as before the key existed");
        for (Precision p : Precision.values()) {
            TrainingConfig t = config("{precision: " + p.label() + "}").training();
            assertEquals(p, t.precision());
            assertEquals(p == Precision.FP16, t.lossScaling(), p.label());
        }
        assertFalse(config("{precision: fp16, loss_scaling: false}").training().lossScaling());
        assertTrue(config("{precision: bf16, loss_scaling: true}").training().lossScaling());
        ExperimentConfig c = config("{precision: bf16}");
        assertEquals("bf16", c.normalized().get("training").get("precision").stringValue());
        assertEquals(c.normalized(), ExperimentConfig.from(c.normalized(), "again").normalized());
    }

    @Test
    void aBadPrecisionIsOneLineNamingTheKeyAndTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("{precision: half}"));
        String m = e.getMessage();
        assertTrue(m.contains("training.precision") && m.contains("fp32, tf32, bf16, fp16") && m.contains("half"), m);
        assertFalse(m.contains("\n"), m);
        ConfigException scaling = assertThrows(ConfigException.class, () -> config("{loss_scaling: 2}"));
        assertTrue(scaling.getMessage().contains("training.loss_scaling"), scaling.getMessage());
    }

    private static String run(ExperimentConfig c, Path runs, Map<String, Double> finals) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ExperimentResult r = ExperimentRunner.run(c, runs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        finals.putAll(r.finalMetrics());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Spirals (400 test examples) in bf16 autocast reaches float32's test accuracy within 1 point. */
    @Test
    void bf16SpiralsReachesTheFloat32Accuracy() throws IOException {
        Path spirals = ShippedConfigsTest.dir().resolve("spirals.yaml");
        Map<String, Double> fp32 = new java.util.LinkedHashMap<>();
        Map<String, Double> bf16 = new java.util.LinkedHashMap<>();
        run(ConfigLoader.load(spirals).getFirst(), runs, fp32);
        String out = run(ConfigLoader.load(spirals, Map.of("training.precision", "bf16", "name", "spirals-bf16"))
                .getFirst(), runs, bf16);
        assertTrue(out.contains("precision bf16: matmul, linear, conv2d and recurrent layers on bf16 operands"), out);
        double a = fp32.get("test_accuracy");
        double b = bf16.get("test_accuracy");
        assertTrue(b >= a - 0.01, "bf16 test accuracy " + b + " vs float32 " + a);
        assertTrue(b >= 0.96, "bf16 learns spirals: " + b);
        assertTrue(b != a || !fp32.get("test_loss").equals(bf16.get("test_loss")), "bf16 did round something");
    }

    @Test
    void anFp16RunOnTheFakeDeviceReportsItsScaler() throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml"),
                Map.of("training.precision", "fp16", "backend", "fake", "name", "moons-fp16")).getFirst();
        Map<String, Double> finals = new java.util.LinkedHashMap<>();
        String out = run(c, runs, finals);
        assertTrue(out.contains("dynamic loss scaling from 65536"), out);
        assertTrue(out.contains("steps skipped for inf/NaN gradients"), out);
        assertTrue(finals.get("loss_scale") > 0, finals.toString());
        assertTrue(finals.get("test_accuracy") >= 0.95, finals.toString());
        Path folder;
        try (var dirs = Files.list(runs)) {
            folder = dirs.filter(p -> p.getFileName().toString().startsWith("moons-fp16")).findFirst().orElseThrow();
        }
        assertTrue(Files.readString(folder.resolve("config.json")).contains("\"precision\" : \"fp16\""));
    }

    @Test
    void tf32OnTheCpuSaysItComputesFloat32() throws IOException {
        ExperimentConfig c = ConfigLoader.load(ShippedConfigsTest.dir().resolve("moons.yaml"),
                Map.of("training.precision", "tf32", "name", "moons-tf32")).getFirst();
        String out = run(c, runs, new java.util.LinkedHashMap<>());
        assertTrue(out.contains("precision tf32: the cpu backend has no TF32 math, so this run computes float32"), out);
        assertNull(System.getProperty(Precision.TF32_PROPERTY), "the property is only set while the backend is made");
    }
}
