package dev.gatun.studio.api;

import dev.gatun.io.Utf8Text;
import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.server.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pre-trained models Studio offers: the folders of {@code pretrained/} (what
 * {@code make pretrained} writes: {@code config.json}, {@code model.json},
 * {@code model.safetensors} and {@code accuracy.json}). The page names one as
 * {@code pretrained/NAME} in a config's {@code init.from}; only a listed model's name resolves,
 * so no path from the browser reaches the disk.
 *
 * @param dirOrNull the folder of models, or null for none
 */
public record PretrainedModels(Path dirOrNull) {
    /** The prefix of a pre-trained model's name in {@code init.from}. */
    public static final String PREFIX = "pretrained/";
    /** The system property that names the folder ({@code bin/gatun} sets it to the checkout's). */
    public static final String PROPERTY = "gatun.pretrained";
    /** No pre-trained models. */
    public static final PretrainedModels NONE = new PretrainedModels(null);
    /** The most bytes of a model's {@code config.json} or {@code accuracy.json}. */
    private static final long MAX_FILE_BYTES = 1L << 20;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final List<String> FILES = List.of("config.json", "model.json", "model.safetensors", "accuracy.json");

    /** {@return the models of the folder {@value #PROPERTY} names, or none when it is unset or missing} */
    public static PretrainedModels fromProperty() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() || !Files.isDirectory(Path.of(dir)) ? NONE
                : new PretrainedModels(Path.of(dir).toAbsolutePath().normalize());
    }

    /**
     * The models, by name: {@code [{name, from, config, testAccuracy, testExamples, epochs}]}.
     * A folder that lacks one of the files is left out.
     *
     * @return the list
     * @throws IOException when the folder cannot be listed or a model's JSON read
     */
    public ArrayNode list() throws IOException {
        ArrayNode out = EventJson.array();
        if (dirOrNull == null || !Files.isDirectory(dirOrNull)) {
            return out;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(dirOrNull)) {
            dirs = s.filter(Files::isDirectory).filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> FILES.stream().allMatch(f -> Files.isRegularFile(p.resolve(f)))).sorted().toList();
        }
        for (Path dir : dirs) {
            JsonNode accuracy = json(dir.resolve("accuracy.json"));
            ObjectNode m = out.addObject();
            String name = dir.getFileName().toString();
            m.put("name", name);
            m.put("from", PREFIX + name);
            m.set("config", json(dir.resolve("config.json")));
            m.set("testAccuracy", accuracy.path("test_accuracy"));
            m.set("testExamples", accuracy.path("test_examples"));
            m.set("epochs", accuracy.path("epochs"));
        }
        return out;
    }

    private static JsonNode json(Path file) throws IOException {
        return EventJson.MAPPER.readTree(Utf8Text.read(file, MAX_FILE_BYTES, "a pre-trained model's JSON"));
    }

    /**
     * The folder of {@code pretrained/NAME}.
     *
     * @param from the config's {@code init.from}, starting with {@value #PREFIX}
     * @param field the field it came from, for the error
     * @return the model's folder
     * @throws ApiException 400 naming the field when there is no such model
     */
    public Path resolve(String from, String field) {
        String name = from.substring(PREFIX.length());
        if (dirOrNull == null || !NAME.matcher(name).matches()
                || !FILES.stream().allMatch(f -> Files.isRegularFile(dirOrNull.resolve(name).resolve(f)))) {
            throw new ApiException(400, field + ": no pre-trained model '" + name + "'"
                    + (dirOrNull == null ? " (this Studio has no pretrained/ folder; start it with --pretrained DIR)" : ""),
                    field, null);
        }
        return dirOrNull.resolve(name);
    }
}
