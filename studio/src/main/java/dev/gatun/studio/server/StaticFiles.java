package dev.gatun.studio.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The page's files: Studio's own from {@code dev/gatun/studio/web/} and uPlot's from its WebJar,
 * both read from the class path or module path, never from the file system.
 */
final class StaticFiles {
    /** Where Studio's own files are, relative to the module's root. */
    static final String WEB = "/dev/gatun/studio/web/";
    /** Where uPlot's files are in its WebJar. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    /**
     * The names a file may have: segments of letters, digits, {@code . _ -} that do not start
     * with a dot. Checked on the raw path, so {@code ..}, {@code %2e%2e}, backslashes, an absolute
     * path ({@code //etc}) and hidden files are all refused before anything is looked up.
     */
    private static final Pattern SAFE_NAME =
            Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    /** The content type of each extension served; any other extension is not served. */
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json; charset=utf-8",
            "map", "application/json; charset=utf-8");

    private StaticFiles() {
    }

    /**
     * One of Studio's own files.
     *
     * @param rawName the name under {@code /static/}, as sent
     * @return the file, or empty when the name is unsafe, its type unknown or the file missing
     */
    static Optional<Response> web(String rawName) {
        return load(rawName, name -> StudioServer.class.getResourceAsStream(WEB + name));
    }

    /**
     * One of uPlot's files.
     *
     * @param rawName the name under {@code /vendor/uplot/}, as sent
     * @return the file, or empty when the name is unsafe, its type unknown or the file missing
     */
    static Optional<Response> uplot(String rawName) {
        return load(rawName, name -> StudioServer.class.getClassLoader().getResourceAsStream(UPLOT + name));
    }

    /** The way a file's bytes are found. */
    @FunctionalInterface
    private interface Source {
        InputStream open(String name);
    }

    private static Optional<Response> load(String rawName, Source source) {
        if (!SAFE_NAME.matcher(rawName).matches()) {
            return Optional.empty();
        }
        String type = TYPES.get(rawName.substring(rawName.lastIndexOf('.') + 1));
        if (type == null || rawName.lastIndexOf('.') < 0) {
            return Optional.empty();
        }
        try (InputStream in = source.open(rawName)) {
            return in == null ? Optional.empty() : Optional.of(Response.bytes(200, type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Studio's file " + rawName, e);
        }
    }
}
