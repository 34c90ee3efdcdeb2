package dev.gatun.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files as text: strict UTF-8, a size bound, and parser errors on one line naming the file. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void aYamlConfigWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "name: x\n# caf\u00e9\nseed: 1\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.read(file));
        assertEquals(file + ": line 2: not valid UTF-8 at byte 14 (0xE9)", e.getMessage());
        assertEquals(file.toString(), e.path());
    }

    @Test
    void aJsonConfigWithOneLatin1ByteNamesTheFileLineAndByte() throws IOException {
        Path file = dir.resolve("config.json");
        Files.write(file, "{\n  \"name\": \"\u00e9\"\n}\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.read(file));
        assertEquals(file + ": line 2: not valid UTF-8 at byte 14 (0xE9)", e.getMessage());
    }

    @Test
    void aConfigLargerThanTheBoundIsRefusedBeforeItIsRead() throws IOException {
        Path file = dir.resolve("huge.yaml");
        try (var out = Files.newOutputStream(file)) {
            out.write(new byte[(int) ConfigLoader.MAX_BYTES + 1]);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.read(file));
        assertEquals(file + ": is 16777217 bytes, more than the 16777216 that a config may have", e.getMessage());
    }

    @Test
    void yamlParserErrorsAreOneLineNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "name: x\nmodel: {layers: [\n  a: b: c\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not valid YAML at line "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aLeadingByteOrderMarkIsNotPartOfTheConfig() throws IOException {
        Path file = dir.resolve("bom.json");
        Files.write(file, ("\uFEFF{\"name\": \"bom\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals("bom", ConfigLoader.read(file).get("name").stringValue());
    }

    @Test
    void anOverrideIndexBeyondAnIntIsAConfigException() throws IOException {
        Path file = Files.writeString(dir.resolve("x.yaml"), "model: {layers: [{type: dense, units: 2}]}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, java.util.Map.of("model.layers[99999999999].units", "3")));
        assertEquals("--set model.layers[99999999999].units: index [99999999999] of 'layers' is beyond any list",
                e.getMessage());
    }

    @Test
    void anIntegerPastADoublesRangeIsAConfigExceptionNotAJacksonOne() throws IOException {
        String huge = "1" + "0".repeat(400);
        Path file = Files.writeString(dir.resolve("huge.yaml"), """
                data: {source: synthetic, kind: moons}
                model: {layers: [{type: dense, units: 2}]}
                optimizer: {type: sgd, lr: %s}
                """.formatted(huge));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": optimizer.lr: expected a number, got " + huge, e.getMessage());
        Path search = Files.writeString(dir.resolve("search.yaml"), """
                data: {source: synthetic, kind: moons}
                model: {layers: [{type: dense, units: 2}]}
                search: {method: random, trials: 2, params: {optimizer.lr: {uniform: [0, %s]}}}
                """.formatted(huge));
        ConfigException s = assertThrows(ConfigException.class, () -> ConfigLoader.load(search));
        assertTrue(s.getMessage().contains("expected [a, b] with two finite numbers"), s.getMessage());
    }

    @Test
    void aConfigErrorNamesTheFileAndKeepsItsPath() throws IOException {
        Path file = Files.writeString(dir.resolve("zero.yaml"), """
                data: {source: synthetic, kind: moons}
                model: {layers: [{type: dense, units: 0}]}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(file + ": model.layers[0].units: must be > 0", e.getMessage());
        assertEquals("model.layers[0].units", e.path());
        assertEquals(file.toString(), e.source());
        ConfigException saved = assertThrows(ConfigException.class,
                () -> ConfigLoader.experiment(ConfigLoader.read(file), "zero", "run/config.json"));
        assertEquals("run/config.json: model.layers[0].units: must be > 0", saved.getMessage());
    }
}
