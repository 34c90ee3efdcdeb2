package dev.gatun.config;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one-line account of a file a user named that is not there: what it was meant to be and
 * where it was looked for (the absolute path, and the working directory a relative one was read
 * from), so a typo or a command run from the wrong folder shows at once.
 */
public final class MissingFile {
    private MissingFile() {}

    /**
     * Throws unless {@code file} exists (a file or a folder).
     *
     * @param file the path as the user gave it
     * @param what what it should be, e.g. {@code "config file"}
     * @throws NoSuchFileException whose message is {@code file: no such WHAT (looked for ...)}
     */
    public static void require(Path file, String what) throws NoSuchFileException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such " + what + " (" + lookedFor(file) + ")");
        }
    }

    /**
     * Throws unless the file a config field names exists.
     *
     * @param file the path the field holds
     * @param field the field's config path, e.g. {@code data.path}
     * @param what what it should be, e.g. {@code "CSV file"}
     * @throws ConfigException at {@code field}: {@code no such WHAT 'file' (looked for ...)}
     */
    public static void requireField(Path file, String field, String what) {
        if (!Files.exists(file)) {
            throw new ConfigException(field, "no such " + what + " '" + file + "' (" + lookedFor(file) + ")");
        }
    }

    /**
     * {@return "looked for /abs/path", with the working directory when the path was relative and
     * the nearest missing folder when its folder is missing too}
     *
     * @param file the path as the user gave it
     */
    static String lookedFor(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        StringBuilder sb = new StringBuilder("looked for ").append(absolute);
        if (!file.isAbsolute()) {
            sb.append(", relative to the working directory ").append(Path.of("").toAbsolutePath());
        }
        Path missing = null;
        for (Path p = absolute.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        if (missing != null) {
            sb.append("; the folder ").append(missing).append(" does not exist either");
        }
        return sb.toString();
    }
}
