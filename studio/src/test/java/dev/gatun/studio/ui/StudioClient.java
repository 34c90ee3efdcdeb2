package dev.gatun.studio.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The tests' own view of a running Studio: its API and event stream, with or without the token. */
final class StudioClient {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * One event of the stream.
     *
     * @param id its id
     * @param type its type
     * @param data its data
     */
    record Event(long id, String type, JsonNode data) {}

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(TIMEOUT).build();

    StudioClient(URI base, String token) {
        this.base = base.resolve("/");
        this.token = token;
    }

    /** {@return the status of a GET sent without the token} */
    int statusWithoutToken(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@return the JSON answer to a GET with the token; fails on any status but 200} */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("X-Gatun-Token", token).GET().build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** {@return the JSON answer to a POST of {@code json} with the token; fails on any status but 200} */
    JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("X-Gatun-Token", token).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("POST " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** An answer of any status: its status and JSON body. */
    record Answer(int status, JsonNode body) {}

    /** {@return the answer to a POST of {@code json} with the token, whatever its status} */
    Answer postAnswer(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("X-Gatun-Token", token).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(answer.statusCode(), JSON.readTree(answer.body()));
    }

    /** {@return the id of the playground run (the run of /api/state whose kind is playground)} */
    String playgroundRun() throws IOException, InterruptedException {
        String run = null;
        for (JsonNode r : get("/api/state").path("runs")) {
            if ("playground".equals(r.path("kind").asString())) {
                run = r.path("run").asString();
            }
        }
        if (run == null) {
            throw new AssertionError("/api/state has no playground run");
        }
        return run;
    }

    /** {@return what the next batch of the run will use: type, lr, step, batch, l1, l2, dropout} */
    JsonNode optimizer(String run) throws IOException, InterruptedException {
        return get("/api/runs/" + run + "/optimizer");
    }

    /**
     * The first event after {@code afterId} that {@code match} accepts, read from the stream as a
     * reconnecting page would ({@code ?lastEventId=}).
     *
     * @param afterId the last event id not to look at
     * @param match what the event must be
     * @param timeout how long to wait for it
     * @return the event
     */
    Event awaitEvent(long afterId, Predicate<Event> match, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/events?lastEventId=" + afterId))
                .header("X-Gatun-Token", token).GET().build();
        HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                throw new AssertionError("the event stream answered " + answer.statusCode());
            }
            CompletableFuture<Event> found = CompletableFuture.supplyAsync(() -> firstMatch(body, match));
            try {
                return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no matching event came within " + timeout, e);
            } catch (ExecutionException e) {
                throw new AssertionError("the event stream failed", e.getCause());
            }
        }
    }

    private static Event firstMatch(InputStream body, Predicate<Event> match) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        long id = -1;
        String type = null;
        String data = null;
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    if (type != null && data != null) {
                        Event event = new Event(id, type, JSON.readTree(data));
                        if (match.test(event)) {
                            return event;
                        }
                    }
                    id = -1;
                    type = null;
                    data = null;
                } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data = line.substring(5).trim();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("the event stream ended before a matching event");
    }
}
