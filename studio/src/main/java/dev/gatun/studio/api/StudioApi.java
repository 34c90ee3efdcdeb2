package dev.gatun.studio.api;

import dev.gatun.config.DataConfig;
import dev.gatun.data.CsvDataset;
import dev.gatun.studio.play.Activations;
import dev.gatun.studio.play.EventJson;
import dev.gatun.studio.play.EventSink;
import dev.gatun.studio.play.PlaygroundRun;
import dev.gatun.studio.play.RunRole;
import dev.gatun.studio.play.RunSettings;
import dev.gatun.studio.server.ApiException;
import dev.gatun.studio.server.BodyKind;
import dev.gatun.studio.server.Request;
import dev.gatun.studio.server.Response;
import dev.gatun.studio.server.StudioServer;
import dev.gatun.studio.server.Workspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Studio's JSON API (see {@code docs/studio-protocol.md}): configs checked, the playground run
 * built, played and steered, CSV files uploaded into the workspace, and CLI runs
 * ({@code gatun train --live}) registered and their events published.
 */
public final class StudioApi implements AutoCloseable {
    /** The examples of the Fashion-MNIST sample the playground offers. */
    public static final int FASHION_SAMPLE = 2000;
    private static final Pattern UPLOAD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.csv");
    private static final Set<String> LIVE_EVENTS = Set.of("run", "status", "batch", "epoch", "marker", "confusion",
            "error");
    private static final int MAX_LIVE_RUNS = 256;

    private final StudioServer server;
    private final Workspace workspace;
    private final PretrainedModels pretrained;
    private final int uploadLimit;
    private final Path runsDir;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, PlaygroundRun> playground = new LinkedHashMap<>();
    private final Map<String, ObjectNode> live = new LinkedHashMap<>();
    private Race race;
    private final OpenViews views = new OpenViews();

    /**
     * Registers the API's routes on {@code server}.
     *
     * @param server the server
     * @param workspace Studio's workspace: uploads, and {@code runs/} for the playground's run folders
     * @param uploadLimit the most bytes an upload may have, for the page to say
     */
    public StudioApi(StudioServer server, Workspace workspace, int uploadLimit) {
        this(server, workspace, PretrainedModels.NONE, uploadLimit);
    }

    /**
     * Registers the API's routes on {@code server}, offering the pre-trained models of {@code pretrained}.
     *
     * @param server the server
     * @param workspace Studio's workspace: uploads, and {@code runs/} for the playground's run folders
     * @param pretrained the pre-trained models a config's {@code init.from} may name
     * @param uploadLimit the most bytes an upload may have, for the page to say
     */
    public StudioApi(StudioServer server, Workspace workspace, PretrainedModels pretrained, int uploadLimit) {
        this.server = server;
        this.workspace = workspace;
        this.pretrained = pretrained;
        this.uploadLimit = uploadLimit;
        this.runsDir = workspace.root().resolve("runs");
        server.route("GET", "/api/state", r -> Response.ok(state()));
        server.route("POST", "/api/config/check", r -> Response.ok(PlaygroundConfig.from(r.json(), workspace, pretrained).describe()));
        server.route("POST", "/api/playground", this::createPlayground);
        server.route("POST", "/api/runs/{run}/control", this::control);
        server.route("POST", "/api/runs/{run}/settings", this::settings);
        server.route("GET", "/api/runs/{run}/optimizer", r -> Response.ok(run(r).optimizer()));
        server.route("POST", "/api/runs/{run}/evaluate", this::evaluate);
        server.route("GET", "/api/runs/{run}/metrics.csv", r -> Response.bytes(200, "text/csv; charset=utf-8",
                run(r).metricsCsv().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .withHeader("Content-Disposition", "attachment; filename=\"metrics.csv\""));
        server.route("POST", "/api/race", this::createRace);
        server.route("GET", "/api/races/{race}", r -> Response.ok(race(r).state()));
        server.route("POST", "/api/races/{race}/control", this::controlRace);
        server.route("GET", "/api/runs/{run}/activations", this::activations);
        server.route("POST", "/api/runs/{run}/activations", this::activations);
        server.route("POST", "/api/views", this::openViews);
        server.route("GET", "/api/runs/{run}/views", r -> Response.ok(run(r).views()));
        server.route("POST", "/api/runs/{run}/backprop", this::backprop);
        server.route("POST", "/api/upload", BodyKind.UPLOAD, this::upload);
        server.route("POST", "/api/live", this::registerLive);
        server.route("POST", "/api/live/{run}/events", this::liveEvents);
        server.route("GET", "/api/tracked-runs", r -> Response.ok(TrackedRuns.list(runsDir)));
    }

    private synchronized ObjectNode state() throws IOException {
        ObjectNode o = EventJson.object();
        ArrayNode runs = o.putArray("runs");
        playground.values().forEach(p -> runs.add(p.info()));
        if (race != null) {
            race.members().forEach(m -> runs.add(m.run().info()));
            o.set("race", race.state());
        }
        live.values().forEach(runs::add);
        ArrayNode datasets = o.putArray("datasets");
        for (String kind : DataConfig.SYNTHETIC) {
            ObjectNode d = datasets.addObject();
            d.put("name", kind);
            d.put("kind", "synthetic");
            d.put("task", kind.equals("linear") || kind.equals("polynomial") ? "regression" : "classification");
        }
        ObjectNode fashion = datasets.addObject();
        fashion.put("name", "fashion-mnist-sample");
        fashion.put("kind", "fashion-mnist");
        fashion.put("task", "classification");
        fashion.put("limit", FASHION_SAMPLE);
        ArrayNode uploads = o.putArray("uploads");
        Path dir = workspace.uploads();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> UPLOAD_NAME.matcher(p.getFileName().toString()).matches()).sorted()
                        .toList()) {
                    ObjectNode u = uploads.addObject();
                    u.put("file", "uploads/" + f.getFileName());
                    ArrayNode columns = u.putArray("columns");
                    header(f).forEach(columns::add);
                }
            }
        }
        o.set("pretrained", pretrained.list());
        o.putObject("limits").put("upload", uploadLimit);
        return o;
    }

    private Response createPlayground(Request r) throws IOException {
        PlaygroundConfig checked = PlaygroundConfig.from(r.json(), workspace, pretrained);
        String id = "p" + ids.incrementAndGet();
        List<PlaygroundRun> old;
        synchronized (this) {
            old = new ArrayList<>(playground.values());
            playground.clear();
        }
        // One playground run at a time: the one it replaces stops, keeping its folder.
        old.forEach(PlaygroundRun::close);
        PlaygroundRun run;
        try {
            run = PlaygroundRun.start(id, checked.tree(), runsDir, EventSink.of(server.events()),
                    () -> server.events().clients() > 0, views::isOpen);
        } catch (dev.gatun.config.ConfigException e) {
            throw PlaygroundConfig.problem(e);
        } catch (dev.gatun.tensor.MemoryBudgetException e) {
            throw new ApiException(400, e.getMessage(), "model", null);
        } catch (IOException e) {
            throw new ApiException(400, e.getMessage(), "data", null);
        }
        synchronized (this) {
            playground.put(id, run);
        }
        return Response.ok(EventJson.object().put("run", id));
    }

    private Response createRace(Request r) throws IOException {
        RaceSetups setups = RaceSetups.from(r.json(), workspace, pretrained);
        String raceId = "race" + ids.incrementAndGet();
        Race old;
        synchronized (this) {
            old = race;
            race = null;
        }
        // One race at a time: the one it replaces stops, each run keeping its folder.
        if (old != null) {
            old.close();
        }
        List<Race.Member> members = new ArrayList<>();
        try {
            for (int i = 0; i < setups.setups().size(); i++) {
                RaceSetups.Setup setup = setups.setups().get(i);
                String id = raceId + "-" + (char) ('a' + i);
                members.add(new Race.Member(setup.label(), PlaygroundRun.start(id, setup.config().tree(), runsDir,
                        EventSink.of(server.events()), () -> server.events().clients() > 0, view -> false,
                        RunRole.inRace(raceId, setup.label()))));
            }
        } catch (IOException | RuntimeException e) {
            members.forEach(m -> m.run().close());
            String at = "setups[" + members.size() + "]";
            throw switch (e) {
                case dev.gatun.config.ConfigException c -> PlaygroundConfig.problem(c);
                case dev.gatun.tensor.MemoryBudgetException m -> new ApiException(400, at + ": " + m.getMessage(), at, null);
                case IOException io -> new ApiException(400, at + ": " + io.getMessage(), "data", null);
                case RuntimeException other -> other;
                default -> new IllegalStateException(e);
            };
        }
        Race built = new Race(raceId, setups.setups().getFirst().config().config().training().epochs(), List.copyOf(members));
        synchronized (this) {
            race = built;
        }
        server.events().publish("race", EventJson.text(built.describe()), "race");
        return Response.ok(built.state());
    }

    private synchronized Race race(Request r) {
        String id = r.param("race");
        if (race == null || !race.id().equals(id)) {
            throw new ApiException(404, "no race '" + id + "'" + (race == null ? "" : "; the race now is '" + race.id() + "'"));
        }
        return race;
    }

    private Response controlRace(Request r) throws IOException {
        Race current = race(r);
        try {
            return Response.ok(current.control(r.json().path("action").asString("")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), "action", null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private synchronized PlaygroundRun run(Request r) {
        String id = r.param("run");
        PlaygroundRun run = playground.get(id);
        if (run == null && race != null) {
            run = race.members().stream().map(Race.Member::run).filter(m -> m.id().equals(id)).findFirst().orElse(null);
        }
        if (run == null) {
            throw new ApiException(404, "no playground run '" + id + "'" + (live.containsKey(id)
                    ? " (a CLI run is watched, not steered)" : ""));
        }
        return run;
    }

    private Response control(Request r) throws IOException {
        PlaygroundRun run = run(r);
        JsonNode body = r.json();
        String action = body.path("action").asString("");
        String seed = body.path("seed").asString("same");
        if (!seed.equals("same") && !seed.equals("new")) {
            throw new ApiException(400, "seed: must be 'same' or 'new', got '" + seed + "'", "seed", null);
        }
        try {
            return Response.ok(run.control(action, seed.equals("new")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), "action", null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        } catch (dev.gatun.config.ConfigException e) {
            throw PlaygroundConfig.problem(e);
        }
    }

    private Response evaluate(Request r) throws IOException {
        PlaygroundRun run = run(r);
        try {
            return Response.ok(run.evaluate(r.json().path("part").asString("test")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), "part", null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private Response settings(Request r) throws IOException {
        PlaygroundRun run = run(r);
        try {
            return Response.ok(run.apply(RunSettings.from(r.json())));
        } catch (RunSettings.SettingException e) {
            throw new ApiException(400, e.getMessage(), e.field(), null);
        } catch (dev.gatun.tensor.MemoryBudgetException e) {
            // A batch size whose batch would not fit the budget: refused before it is allocated.
            throw new ApiException(400, e.getMessage(), "batch", null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    /** One example's activations: {@code ?index=N&split=S} on a GET, {@code {index, split}} in a POST. */
    private Response activations(Request r) throws IOException {
        PlaygroundRun run = run(r);
        String split;
        String index;
        if (r.method().equals("POST")) {
            JsonNode body = r.json();
            if (!body.isObject()) {
                throw new ApiException(400, "the body must be a JSON object {index, split}");
            }
            JsonNode i = body.path("index");
            if (!i.isMissingNode() && !i.isNull() && !i.isIntegralNumber()) {
                throw new ApiException(400, "index: must be a whole number, got " + i, "index", null);
            }
            index = i.isIntegralNumber() ? i.asString() : null;
            JsonNode s = body.path("split");
            if (!s.isMissingNode() && !s.isNull() && !s.isString()) {
                throw new ApiException(400, "split: must be test, validation or train, got " + s, "split", null);
            }
            split = s.isString() ? s.stringValue() : null;
        } else {
            index = r.query("index").orElse(null);
            split = r.query("split").orElse(null);
        }
        int at;
        try {
            at = index == null ? 0 : Integer.parseInt(index.strip());
        } catch (NumberFormatException e) {
            throw new ApiException(400, "index: must be a whole number, got '" + index + "'", "index", null);
        }
        try {
            Activations answer = run.activations(split, at);
            return Response.ok(answer.json(run.id()));
        } catch (RunSettings.SettingException e) {
            throw new ApiException(400, e.getMessage(), e.field(), null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    /** A page opens or closes deep views; a view just opened gets its pictures at once. */
    private Response openViews(Request r) throws IOException {
        views.apply(r.json());
        ObjectNode open = EventJson.object();
        for (String view : OpenViews.VIEWS.stream().sorted().toList()) {
            open.put(view, views.isOpen(view));
        }
        List<PlaygroundRun> runs;
        synchronized (this) {
            runs = new ArrayList<>(playground.values());
        }
        if (open.properties().stream().anyMatch(e -> e.getValue().asBoolean())) {
            for (PlaygroundRun run : runs) {
                try {
                    run.showViews();
                } catch (IllegalStateException stopped) {
                    // A run that stopped meanwhile has nothing to show.
                }
            }
        }
        ObjectNode o = EventJson.object();
        o.set("open", open);
        o.put("lease", OpenViews.LEASE_SECONDS);
        return Response.ok(o);
    }

    private Response backprop(Request r) throws IOException {
        PlaygroundRun run = run(r);
        try {
            return Response.ok(run.backprop());
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private Response upload(Request r) throws IOException {
        String name = r.query("name").orElseThrow(() -> new ApiException(400, "name: the file's name is needed (?name=F.csv)",
                "name", null));
        if (!UPLOAD_NAME.matcher(name).matches()) {
            throw new ApiException(400, "name: '" + name + "' must be letters, digits, '.', '_' or '-', end in .csv and"
                    + " have at most 104 characters", "name", null);
        }
        Path dir = Files.createDirectories(workspace.uploads());
        Path target = workspace.resolve("uploads/" + name, "name");
        Path temp = Files.createTempFile(dir, ".upload-", ".csv.tmp");
        try {
            Files.write(temp, r.body());
            List<String> columns = header(temp);
            if (columns.size() < 2) {
                throw new ApiException(400, name + ": needs a header with at least two columns (features, then the label)");
            }
            CsvDataset data;
            try {
                data = CsvDataset.load(temp, columns.getLast(), CsvDataset.Labels.CLASS_NAMES);
            } catch (IOException e) {
                // The loader names the temporary file; the user knows the file by its name.
                throw new ApiException(400, e.getMessage().replace(temp.toString(), name));
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ObjectNode o = EventJson.object();
            o.put("file", "uploads/" + name);
            ArrayNode c = o.putArray("columns");
            columns.forEach(c::add);
            o.put("rows", data.size());
            o.put("classes", data.classNames().size());
            return Response.ok(o);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The header's column names: the first line split at commas, quotes removed. */
    private static List<String> header(Path file) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)))) {
            String line = in.readLine();
            if (line == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String cell : line.split(",", -1)) {
                String s = cell.strip();
                if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
                    s = s.substring(1, s.length() - 1).replace("\"\"", "\"");
                }
                out.add(s);
            }
            return out;
        }
    }

    private Response registerLive(Request r) {
        JsonNode body = r.json();
        String name = body.path("name").asString("run");
        String id;
        synchronized (this) {
            if (live.size() >= MAX_LIVE_RUNS) {
                live.remove(live.keySet().iterator().next());
            }
            id = "live-" + ids.incrementAndGet();
            ObjectNode info = EventJson.event(id);
            info.put("name", name);
            info.put("kind", "live");
            info.put("status", "running");
            live.put(id, info);
        }
        return Response.ok(EventJson.object().put("run", id));
    }

    private Response liveEvents(Request r) {
        String id = r.param("run");
        synchronized (this) {
            if (!live.containsKey(id)) {
                throw new ApiException(404, "no CLI run '" + id + "'; register it with POST /api/live first");
            }
        }
        JsonNode events = r.json();
        if (!events.isArray()) {
            throw new ApiException(400, "the body must be an array of {type, data}");
        }
        int published = 0;
        for (JsonNode e : events) {
            String type = e.path("type").asString("");
            if (!LIVE_EVENTS.contains(type) || !e.path("data").isObject()) {
                throw new ApiException(400, "event " + published + ": type must be one of " + LIVE_EVENTS
                        + " with an object 'data', got '" + type + "'");
            }
            ObjectNode data = (ObjectNode) e.get("data").deepCopy();
            data.put("run", id);
            if (type.equals("run")) {
                data.put("kind", "live");
                synchronized (this) {
                    live.put(id, data.deepCopy());
                }
            } else if (type.equals("status")) {
                synchronized (this) {
                    live.get(id).put("status", data.path("status").asString(""));
                }
            }
            // A confusion matrix replaces the one before it; the curves' events add up.
            server.events().publish(type, EventJson.text(data), type.equals("confusion") ? id + "/" + type : null);
            published++;
        }
        return Response.ok(EventJson.object().put("published", published));
    }

    /** Stops every playground run: each keeps its metrics and a final checkpoint. */
    @Override
    public void close() {
        List<PlaygroundRun> runs;
        Race current;
        synchronized (this) {
            runs = new ArrayList<>(playground.values());
            current = race;
        }
        runs.forEach(PlaygroundRun::close);
        if (current != null) {
            current.close();
        }
    }
}
