package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path temp;

    private Workspace workspace() throws IOException {
        return new Workspace(temp.resolve("studio"));
    }

    private static void assertOutside(Workspace workspace, String path) {
        ApiException e = assertThrows(ApiException.class, () -> workspace.resolve(path, "data.path"), path);
        assertEquals(400, e.status());
        assertEquals("data.path", e.path());
        assertTrue(e.getMessage().contains("'" + path + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("outside Studio's workspace"), e.getMessage());
    }

    @Test
    void theRootAndItsUploadsFolderAreCreated() throws IOException {
        Workspace workspace = workspace();
        assertTrue(Files.isDirectory(temp.resolve("studio")));
        assertEquals(temp.resolve("studio/uploads").toAbsolutePath(), workspace.uploads());
        assertTrue(Files.isDirectory(workspace.uploads()));
    }

    @Test
    void aRelativePathInsideResolvesUnderTheRoot() throws IOException {
        Workspace workspace = workspace();
        Path root = workspace.root();
        assertEquals(root.resolve("uploads/iris.csv"), workspace.resolve("uploads/iris.csv"));
        assertEquals(root.resolve("iris.csv"), workspace.resolve("uploads/../iris.csv"));
        assertEquals(root.resolve("new/deeper/file.csv"), workspace.resolve("new/deeper/file.csv"));
    }

    @Test
    void pathsLeavingTheRootAreRefused() throws IOException {
        Workspace workspace = workspace();
        assertOutside(workspace, "../secret.csv");
        assertOutside(workspace, "uploads/../../secret.csv");
        assertOutside(workspace, temp.resolve("elsewhere.csv").toAbsolutePath().toString());
        assertOutside(workspace, "/etc/passwd");
        assertThrows(ApiException.class, () -> workspace.resolve(""));
        assertThrows(ApiException.class, () -> workspace.resolve("a\0b"));
    }

    @Test
    void symbolicLinksOutOfTheRootAreRefused() throws IOException {
        Workspace workspace = workspace();
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.csv"), "a,b\n");
        Files.createSymbolicLink(workspace.root().resolve("escape"), outside);
        Files.createSymbolicLink(workspace.uploads().resolve("secret.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(workspace.uploads().resolve("dangling.csv"), outside.resolve("missing.csv"));
        assertOutside(workspace, "escape/secret.csv");
        assertOutside(workspace, "escape/not-yet-there.csv");
        assertOutside(workspace, "uploads/secret.csv");
        assertOutside(workspace, "uploads/dangling.csv");
        Files.createSymbolicLink(workspace.root().resolve("inner"), workspace.uploads());
        assertEquals(workspace.root().resolve("inner/x.csv"), workspace.resolve("inner/x.csv"));
    }
}
