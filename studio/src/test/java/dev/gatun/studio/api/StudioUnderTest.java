package dev.gatun.studio.api;

import dev.gatun.studio.Studio;
import dev.gatun.studio.play.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/** A Studio started in a test's folder, and its API's requests with the token: what the API tests share. */
final class StudioUnderTest implements AutoCloseable {
    private static final String HOME = "gatun.studio.home";

    /** An answer of any status: its status and JSON body. */
    record Answer(int status, JsonNode body) {}

    private final Studio studio;
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    private StudioUnderTest(Studio studio) {
        this.studio = studio;
    }

    /** Starts a Studio with its home and workspace under {@code dir}. */
    static StudioUnderTest start(Path dir) throws IOException {
        System.setProperty(HOME, dir.resolve("home").toString());
        return new StudioUnderTest(Studio.start(new Studio.Options("127.0.0.1", 0, dir.resolve("workspace"))));
    }

    Studio studio() {
        return studio;
    }

    /** {@return a request to {@code path} with the token} */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(studio.url().resolve(path).toString()))
                .header("X-Gatun-Token", studio.server().token().value());
    }

    /** {@return the answer to {@code method} on {@code path}, with {@code body} (null: none)} */
    Answer send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest r = request(path).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> answer = http.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(answer.statusCode(), EventJson.MAPPER.readTree(answer.body()));
    }

    Answer post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    /** {@return the JSON a GET of {@code path} answers, whatever its status} */
    JsonNode get(String path) throws IOException, InterruptedException {
        return send("GET", path, null).body();
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        studio.close();
        System.clearProperty(HOME);
    }
}
