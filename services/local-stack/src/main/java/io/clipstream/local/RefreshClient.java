package io.clipstream.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the demo asks the embedding-refresh service: its index state, a search, its freshness figures. */
final class RefreshClient {
    private static final Pattern QUANTILE = Pattern.compile(
            "^clipstream_refresh_freshness_seconds\\{quantile=\"([0-9.]+)\",?\\}\\s+(\\S+)$", Pattern.MULTILINE);

    private final URI base;
    private final String key;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RefreshClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    JsonNode status() throws IOException, InterruptedException {
        return Json.mapper().readTree(get("/v1/index"));
    }

    JsonNode search(String q, int k) throws IOException, InterruptedException {
        return search(q, k, null);
    }

    /** The same within one domain ({@code domain} null: the whole index). */
    JsonNode search(String q, int k, String domain) throws IOException, InterruptedException {
        return Json.mapper()
                .readTree(get("/v1/search?k=" + k + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                        + (domain == null ? "" : "&domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8))));
    }

    /**
     * Image -> image search with {@code png} as the query; a 429 is waited out as its Retry-After says (a few times).
     */
    JsonNode searchImage(byte[] png, int k) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/v1/search/image?k=" + k))
                            .header("X-Api-Key", key)
                            .header("Content-Type", "image/png")
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429 && attempt < 5) {
                Thread.sleep(1000L * r.headers().firstValueAsLong("Retry-After").orElse(1));
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IOException("/v1/search/image: " + r.statusCode() + " " + r.body());
            }
            return Json.mapper().readTree(r.body());
        }
    }

    /** Waits until the live index holds {@code pairs} pairs; false on timeout. */
    boolean awaitLivePairs(long pairs, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (status().path("livePairs").asLong() >= pairs) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /**
     * Freshness quantile -> seconds, as the service's /q/metrics reports them (from gateway acceptance to searchable).
     */
    Map<String, Double> freshness() throws IOException, InterruptedException {
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = QUANTILE.matcher(get("/q/metrics"));
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("X-Api-Key", key)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
