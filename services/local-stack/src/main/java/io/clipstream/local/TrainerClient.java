package io.clipstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the demo asks the trainer: a run by hand, the registry's versions, the quarantine. */
final class TrainerClient {
    private final URI base;
    private final String model;
    private final String operatorToken;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TrainerClient(URI base, String model, String operatorToken) {
        this.base = base;
        this.model = model;
        this.operatorToken = operatorToken;
    }

    /** Asks for a run now; false when nothing waits to be trained (409). */
    boolean startRun() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/models/" + model + "/runs"))
                        .header("Authorization", "Bearer " + operatorToken)
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 409) {
            return false;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST runs: " + r.statusCode() + " " + r.body());
        }
        return true;
    }

    /** {@code GET /v1/models/{model}/waiting}: the pairs the trainer's feed holds for the next run, by domain. */
    Map<String, Integer> waiting() throws IOException, InterruptedException {
        Map<String, Integer> out = new LinkedHashMap<>();
        get("waiting")
                .path("waiting")
                .fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    /** {@code GET /v1/models/{model}/versions}: every version with its metrics, baseline, gate and lineage. */
    JsonNode versions() throws IOException, InterruptedException {
        return get("versions");
    }

    /** {@code GET /v1/models/{model}/quarantine}: the training pairs of rejected runs, by domain. */
    JsonNode quarantine() throws IOException, InterruptedException {
        return get("quarantine");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/models/" + model + "/" + path))
                        .header("Authorization", "Bearer " + operatorToken)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }
}
