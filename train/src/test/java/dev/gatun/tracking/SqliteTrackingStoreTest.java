package dev.gatun.tracking;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the default store: an SQLite file in the runs directory. */
class SqliteTrackingStoreTest extends TrackingStoreContract {
    @TempDir
    Path runs;

    @Override
    TrackingTarget target() {
        return TrackingTarget.sqlite(runs.resolve(TrackingTarget.SQLITE_FILE));
    }
}
