package io.clipstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A real two-node SolrCloud from Maven Central artifacts, spoken to over its HTTP API as a vector backend would: a
 * configset with a dense vector field, a two-shard collection, k-NN with a pre-filter, and an alias moved from one
 * collection to another (the swap of a re-index).
 */
class EmbeddedSolrIT {
    private final HttpClient http = HttpClient.newHttpClient();

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return Json.mapper().readTree(r.body());
    }

    private JsonNode post(String url, String contentType, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return Json.mapper().readTree(r.body());
    }

    private List<String> knn(String base, String collection, String vector, String fq) throws Exception {
        String form = "q=" + URLEncoder.encode("{!knn f=image topK=3}" + vector, StandardCharsets.UTF_8)
                + "&rows=3&fl=sha256,score"
                + (fq == null ? "" : "&fq=" + URLEncoder.encode(fq, StandardCharsets.UTF_8));
        JsonNode r = post(
                base + "/" + collection + "/select",
                "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        r.at("/response/docs").forEach(d -> out.add(d.get("sha256").asText()));
        return out;
    }

    private static byte[] configset() throws Exception {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (String f : List.of("schema.xml", "solrconfig.xml")) {
                z.putNextEntry(new ZipEntry(f));
                try (InputStream in = EmbeddedSolrIT.class.getResourceAsStream("/solr-vectors/conf/" + f)) {
                    in.transferTo(z);
                }
                z.closeEntry();
            }
        }
        return zip.toByteArray();
    }

    @Test
    void aTwoNodeCloudIndexesVectorsSearchesThemAndSwapsAnAlias() throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedSolr solr = EmbeddedSolr.start(2, Duration.ofMinutes(3))) {
            System.out.printf(
                    "SolrCloud %s, 2 nodes, up in %.1f s%n", EmbeddedSolr.SOLR_VERSION, (System.nanoTime() - t0) / 1e9);
            assertEquals(2, solr.solrUrls().size());
            String base = solr.solrUrls().get(0);
            post(base + "/admin/configs?action=UPLOAD&name=vectors4", "application/octet-stream", configset());
            for (String c : List.of("blue", "green")) {
                get(base + "/admin/collections?action=CREATE&name=" + c
                        + "&collection.configName=vectors4&numShards=2&replicationFactor=1"
                        + "&waitForFinalState=true");
            }
            String docs = """
                    [{"sha256":"a","domain":"x","image":[1,0,0,0]},{"sha256":"b","domain":"y","image":[0,1,0,0]},
                     {"sha256":"c","domain":"y","image":[0,0,1,0]}]""";
            post(base + "/blue/update?commit=true", "application/json", docs.getBytes(StandardCharsets.UTF_8));
            String other = """
                    [{"sha256":"a","domain":"x","image":[0,0,1,0]},{"sha256":"b","domain":"y","image":[1,0,0,0]},
                     {"sha256":"c","domain":"y","image":[0,1,0,0]}]""";
            post(
                    solr.solrUrls().get(1) + "/green/update?commit=true",
                    "application/json",
                    other.getBytes(StandardCharsets.UTF_8));

            assertEquals(List.of("a", "b", "c"), knn(base, "blue", "[0.9,0.1,0,0]", null));
            assertEquals(
                    List.of("b", "c"),
                    knn(base, "blue", "[0.9,0.1,0,0]", "{!term f=domain}y"),
                    "the filter applies before k-NN");

            get(base + "/admin/collections?action=CREATEALIAS&name=live&collections=blue");
            assertEquals("a", knn(base, "live", "[0.9,0.1,0,0]", null).get(0));
            get(base + "/admin/collections?action=CREATEALIAS&name=live&collections=green");
            assertEquals(
                    "b",
                    knn(solr.solrUrls().get(1), "live", "[0.9,0.1,0,0]", null).get(0),
                    "the alias now names green");
            assertEquals(
                    "green",
                    get(base + "/admin/collections?action=LISTALIASES")
                            .at("/aliases/live")
                            .asText());
        }
    }
}
