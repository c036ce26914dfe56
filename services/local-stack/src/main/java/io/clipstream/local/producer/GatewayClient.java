package io.clipstream.local.producer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Pushes pairs to the ingest gateway: batches, retrying 5xx/429 answers with back-off, or one pair and its answer. */
public final class GatewayClient {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI batchUri;
    private final URI pairUri;
    private final String apiKey;

    public GatewayClient(URI gateway, String apiKey) {
        this.batchUri = gateway.resolve("/v1/pairs/batch");
        this.pairUri = gateway.resolve("/v1/pairs");
        this.apiKey = apiKey;
    }

    /** The gateway's answer to one pair: its status and, for a refusal, the problem's reason code (else null). */
    public record Answer(int status, String reason) {}

    /** Sends one pair to {@code POST /v1/pairs} once, whatever the answer (a refusal is an answer, not an error). */
    public Answer submit(DemoPair p) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(pairUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(
                        Json.write(pairJson(Json.mapper().createObjectNode(), p))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String reason = response.statusCode() == 202
                ? null
                : Json.mapper().readTree(response.body()).path("reason").asText(null);
        return new Answer(response.statusCode(), reason);
    }

    private static ObjectNode pairJson(ObjectNode n, DemoPair p) {
        n.put("pairId", p.pairId());
        n.put("domain", p.domain());
        n.put("text", p.text());
        n.put("imageBase64", Base64.getEncoder().encodeToString(p.image()));
        return n;
    }

    /** Sends one batch; returns when the gateway has answered 202 (all pairs are on pairs.raw). */
    public void pushBatch(List<DemoPair> batch) throws IOException, InterruptedException {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode pairs = body.putArray("pairs");
        for (DemoPair p : batch) {
            pairJson(pairs.addObject(), p);
        }
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body)))
                .build();
        long backoffMs = 200;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 202) {
                return;
            }
            boolean retriable = status >= 500 || status == 429;
            if (!retriable || attempt >= 5) {
                throw new IOException("gateway answered " + status + ": " + response.body());
            }
            Thread.sleep(backoffMs);
            backoffMs *= 2;
        }
    }
}
