package dev.gatun.studio.api;

import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.server.ApiException;
import dev.gatun.tracking.RunColumns;
import dev.gatun.tracking.RunTable;
import dev.gatun.tracking.TrackedRun;
import dev.gatun.tracking.TrackingStore;
import dev.gatun.tracking.TrackingTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/tracked-runs}: the runs of the tracking store that {@code gatun runs} reads for
 * the workspace's runs directory (or {@code GATUN_TRACKING}'s), newest first: every run trained
 * from the CLI, a sample, Java or this Studio.
 */
final class TrackedRuns {
    /** The most runs one answer lists. */
    static final int LIMIT = 200;
    /** The most hyperparameter columns one answer carries. */
    static final int MAX_PARAMS = 12;

    private TrackedRuns() {}

    /**
     * The runs as JSON: {@code {store, runs: [{id, name, status, parent, role, started, seconds,
     * folder, metrics: {..}, params: {..}}], columns: [..]}}; {@code params} holds the
     * hyperparameters that differ between the listed runs, {@code columns} their names.
     */
    static ObjectNode list(Path runsDir) {
        TrackingTarget target = TrackingTarget.forRuns(runsDir);
        ObjectNode o = EventJson.object();
        o.put("store", target.toString());
        ArrayNode runs = o.putArray("runs");
        o.putArray("columns");
        if (!target.enabled()) {
            return o;
        }
        List<TrackedRun> all;
        try (TrackingStore s = target.open()) {
            all = s.runs();
        } catch (IOException e) {
            throw new ApiException(503, e.getMessage());
        }
        Instant now = Instant.now();
        List<TrackedRun> newest = RunTable.sort(all, "-started,-id", now).stream().limit(LIMIT).toList();
        List<String> params = newest.isEmpty() ? List.of()
                : RunTable.differingParams(newest).stream().limit(MAX_PARAMS).toList();
        ArrayNode columns = (ArrayNode) o.get("columns");
        params.forEach(columns::add);
        for (TrackedRun r : newest) {
            ObjectNode j = runs.addObject();
            j.put("id", r.id());
            j.put("name", r.name());
            j.put("status", r.shownStatus(now, TrackedRun.STALE_AFTER));
            j.put("parent", r.parentOrNull());
            j.put("role", r.roleOrNull());
            j.put("started", RunColumns.text(RunColumns.value(r, "started", now)));
            EventJson.number(j, "seconds", r.duration().toMillis() / 1000.0);
            j.put("folder", r.folder());
            ObjectNode metrics = j.putObject("metrics");
            r.finalMetrics().forEach((k, v) -> EventJson.number(metrics, k, v));
            ObjectNode p = j.putObject("params");
            params.forEach(k -> p.put(k, r.hyperparameters().get(k)));
        }
        return o;
    }
}
