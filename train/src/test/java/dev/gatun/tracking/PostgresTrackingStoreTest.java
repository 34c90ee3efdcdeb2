package dev.gatun.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server, a throwaway cluster this test starts and stops.
 * It skips, saying why, only where PostgreSQL is not installed ({@code make test} installs
 * Debian's {@code postgresql} when root).
 */
class PostgresTrackingStoreTest extends TrackingStoreContract {
    private static PostgresCluster cluster;
    private static Path dir;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        var bin = PostgresCluster.binaries();
        assumeTrue(bin.isPresent(), "PostgreSQL's initdb and pg_ctl are neither on PATH nor under /usr/lib/postgresql:"
                + " install Debian's postgresql (make test does, as root)");
        // Not JUnit's @TempDir: as root the folder is handed to the postgres user, and removed here.
        dir = Files.createTempDirectory("gatun-pg-");
        // The postgres user must be able to enter it.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        cluster = PostgresCluster.start(bin.get(), dir.resolve("cluster"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void severalJvmsWritingAtOnceLoseNoRow() throws Exception {
        TrackingTarget t = target();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path log = Files.createTempFile(dir, "writer", ".log");
            logs.add(log);
            children.add(new ProcessBuilder(TrackingProbes.command("write", t.urlOrNull(), "jvm" + i, "3", "10"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int i = 0; i < children.size(); i++) {
            assertTrue(children.get(i).waitFor(120, TimeUnit.SECONDS), "writer " + i + " did not end");
            assertEquals(0, children.get(i).exitValue(), Files.readString(logs.get(i)));
        }
        assertRows(t, 9, 10);
    }

    @Override
    TrackingTarget target() throws Exception {
        // A database per test: each starts from an empty store.
        return new TrackingTarget(cluster.createDatabase("store" + DATABASES.incrementAndGet()));
    }
}
