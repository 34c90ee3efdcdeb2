package dev.gatun.studio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

@Timeout(60)
class StudioFileTest {
    @TempDir
    Path temp;

    private StudioServer server;

    @BeforeEach
    void start() throws IOException {
        server = StudioServer.start(ServerOptions.defaults());
        server.route("GET", "/api/state", request -> Response.ok(StudioJson.object()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theFileHoldsUrlTokenAndPidForItsOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path folder = temp.resolve("home/.gatun");
        try (StudioFile file = StudioFile.write(folder, server.url(), server.token())) {
            assertEquals(folder.resolve("studio.json"), file.path());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
            JsonNode json = StudioJson.mapper().readTree(Files.readAllBytes(file.path()));
            assertEquals(server.url().toString(), json.get("url").asString());
            assertEquals(server.token().value(), json.get("token").asString());
            assertEquals(ProcessHandle.current().pid(), json.get("pid").asLong());
            try (var others = Files.list(folder)) {
                assertEquals(1, others.count(), "no temporary file is left");
            }
        }
        assertFalse(Files.exists(folder.resolve("studio.json")));
    }

    @Test
    void findReturnsARunningStudioThatAnswers() throws IOException {
        try (StudioFile file = StudioFile.write(temp, server.url(), server.token())) {
            assertEquals(temp.resolve(StudioFile.NAME), file.path());
            Optional<StudioFile.Found> found = StudioFile.find(temp);
            assertTrue(found.isPresent());
            assertEquals(server.url(), found.get().url());
            assertEquals(server.token(), found.get().token());
            assertEquals(ProcessHandle.current().pid(), found.get().pid());
        }
        assertTrue(StudioFile.find(temp).isEmpty(), "a removed file finds nothing");
    }

    @Test
    void findIgnoresADeadProcess() throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        long deadPid = process.pid();
        assumeTrue(ProcessHandle.of(deadPid).map(ProcessHandle::isAlive).orElse(false) == false);
        writeFile(server.url().toString(), server.token().value(), deadPid);
        assertTrue(StudioFile.find(temp).isEmpty());
        // The same file naming this live process is found: the pid was what made the difference.
        writeFile(server.url().toString(), server.token().value(), ProcessHandle.current().pid());
        assertTrue(StudioFile.find(temp).isPresent());
    }

    @Test
    void findIgnoresAStudioThatDoesNotAnswerOrAFileThatIsNotOne() throws IOException {
        writeFile(server.url().toString(), AccessToken.random().value(), ProcessHandle.current().pid());
        assertTrue(StudioFile.find(temp).isEmpty(), "a wrong token is a 403");
        String url = server.url().toString();
        server.close();
        writeFile(url, server.token().value(), ProcessHandle.current().pid());
        assertTrue(StudioFile.find(temp).isEmpty(), "a stopped server");
        Files.writeString(temp.resolve("studio.json"), "{\"url\": 3");
        assertTrue(StudioFile.find(temp).isEmpty());
        assertTrue(StudioFile.find(temp.resolve("missing")).isEmpty());
    }

    @Test
    void closeLeavesAFileAnotherStudioWroteOverIt() throws IOException {
        StudioFile ours = StudioFile.write(temp, server.url(), server.token());
        try (StudioFile later = StudioFile.write(temp, server.url(), AccessToken.random())) {
            ours.close();
            assertTrue(Files.exists(later.path()));
        }
        assertFalse(Files.exists(temp.resolve("studio.json")));
    }

    @Test
    void theFolderComesFromTheSystemPropertyWhenSet() {
        String before = System.getProperty(StudioFile.HOME_PROPERTY);
        try {
            System.setProperty(StudioFile.HOME_PROPERTY, temp.toString());
            assertEquals(temp, StudioFile.directory());
            System.clearProperty(StudioFile.HOME_PROPERTY);
            assertEquals(Path.of(System.getProperty("user.home"), ".gatun"), StudioFile.directory());
        } finally {
            if (before != null) {
                System.setProperty(StudioFile.HOME_PROPERTY, before);
            }
        }
    }

    private void writeFile(String url, String token, long pid) throws IOException {
        Files.write(temp.resolve("studio.json"), StudioJson.writeBytes(StudioJson.object()
                .put("url", url).put("token", token).put("pid", pid)));
    }
}
