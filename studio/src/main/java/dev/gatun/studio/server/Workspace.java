package dev.gatun.studio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The folder whose files a config from the page may name ({@code --workspace}, by default
 * {@code ~/.gatun/studio}): a page may read nothing outside it, not even through a symbolic link.
 */
public final class Workspace {
    /** The root, absolute and normalised. */
    private final Path root;
    /** The root with its symbolic links resolved. */
    private final Path realRoot;

    /**
     * Opens a workspace, creating its folder and its {@code uploads} folder when missing.
     *
     * @param root the folder
     * @throws IOException when the folders cannot be created or resolved
     */
    public Workspace(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root.resolve("uploads"));
        this.realRoot = this.root.toRealPath();
    }

    /** {@return the workspace's folder} */
    public Path root() {
        return root;
    }

    /** {@return the folder uploaded files go to: {@code uploads} under the root} */
    public Path uploads() {
        return root.resolve("uploads");
    }

    /**
     * A path under the workspace, from a config or a request.
     *
     * @param relative a path relative to the workspace, e.g. {@code uploads/iris.csv}
     * @return it under the root, normalised
     * @throws ApiException 400 naming the path when it is absolute, leaves the root, or reaches
     *     outside it through a symbolic link
     */
    public Path resolve(String relative) {
        return resolve(relative, null);
    }

    /**
     * A path under the workspace, naming the field it came from in an error.
     *
     * @param relative a path relative to the workspace, e.g. {@code uploads/iris.csv}
     * @param field where in the input it came from, e.g. {@code data.path}, or null
     * @return it under the root, normalised
     * @throws ApiException 400 naming the path (and the field) when it is absolute, leaves the
     *     root, or reaches outside it through a symbolic link
     */
    public Path resolve(String relative, String field) {
        if (relative == null || relative.isBlank()) {
            throw new ApiException(400, "a path under Studio's workspace is needed", field, null);
        }
        Path given;
        try {
            given = Path.of(relative);
        } catch (InvalidPathException e) {
            throw outside(relative, field, " (not a valid path)");
        }
        if (given.isAbsolute() || given.getRoot() != null) {
            throw outside(relative, field, " (a path there is relative to it)");
        }
        Path candidate = root.resolve(given).normalize();
        if (!candidate.startsWith(root)) {
            throw outside(relative, field, "");
        }
        // The deepest part that exists, a link itself included: a dangling link fails to resolve.
        Path existing = candidate;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
                throw outside(relative, field, " (through a symbolic link)");
            }
        } catch (IOException e) {
            throw outside(relative, field, " (a symbolic link in it does not resolve: " + e.getMessage() + ")");
        }
        return candidate;
    }

    private ApiException outside(String relative, String field, String why) {
        return new ApiException(400, "'" + relative + "' is outside Studio's workspace " + root + why,
                field, null);
    }
}
