package dev.gatun.report;

import dev.gatun.io.MalformedUtf8Exception;
import dev.gatun.io.Utf8Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads one of a run folder's JSON files, with errors that name the file. */
final class JsonFile {
    private JsonFile() {}

    /**
     * The tree of {@code folder/name}.
     *
     * @throws IllegalArgumentException when the file is missing, not UTF-8 or not valid JSON
     * @throws UncheckedIOException when it cannot be read
     */
    static JsonNode read(Path folder, String name) {
        Path file = folder.resolve(name);
        try {
            return JsonMapper.shared().readTree(Utf8Text.read(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("run folder " + folder + " has no " + name, e);
        } catch (MalformedUtf8Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
