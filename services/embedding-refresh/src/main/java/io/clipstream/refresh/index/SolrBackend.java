package io.clipstream.refresh.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/**
 * Indexes as SolrCloud collections (Solr's dense vector fields are Lucene's HNSW), over Solr's HTTP API: a configset
 * per vector dimension uploaded by the service itself, one collection per index named {@code <prefix><name>}, and a
 * collection alias {@code <prefix><alias>} moved with {@code CREATEALIAS} when an index goes live, for readers outside
 * the service. Requests go to the first node that answers.
 */
public final class SolrBackend implements IndexBackend {
    private final List<String> urls;
    private final String prefix;
    private final int shards;
    private final int replicas;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SolrBackend(List<String> urls, String prefix, int shards, int replicas) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("clipstream.refresh.solr.urls is empty");
        }
        this.urls = List.copyOf(urls);
        this.prefix = prefix;
        this.shards = shards;
        this.replicas = replicas;
    }

    @Override
    public String kind() {
        return "solr";
    }

    @Override
    public VectorIndex open(String name, int dimension) throws IOException {
        // "k3": documents keyed by source/sha256, with the expert that embedded them; a collection of an older
        // configset is
        // refused and rebuilt
        String configset = prefix + "k3-d" + dimension;
        JsonNode sets = get("/admin/configs?action=LIST&wt=json");
        boolean present = false;
        for (JsonNode n : sets.path("configSets")) {
            present |= n.asText().equals(configset);
        }
        if (!present) {
            post(
                    "/admin/configs?action=UPLOAD&name=" + configset,
                    "application/octet-stream",
                    SolrSchema.configset(dimension));
        }
        String collection = prefix + name;
        if (!collections().contains(collection)) {
            get("/admin/collections?action=CREATE&name=" + collection + "&collection.configName=" + configset
                    + "&numShards=" + shards + "&replicationFactor=" + replicas + "&waitForFinalState=true&wt=json");
        } else {
            String used = get("/admin/collections?action=CLUSTERSTATUS&collection=" + collection + "&wt=json")
                    .at("/cluster/collections/" + collection + "/configName")
                    .asText();
            if (!used.equals(configset)) {
                throw new IOException("index " + name + " uses " + used + ", not the " + dimension + "-d " + configset);
            }
        }
        return new SolrIndex(this, collection, name, dimension);
    }

    @Override
    public void drop(String name) throws IOException {
        if (!collections().contains(prefix + name)) {
            return;
        }
        get("/admin/collections?action=DELETE&name=" + prefix + name + "&wt=json");
    }

    @Override
    public List<String> names() throws IOException {
        List<String> out = new ArrayList<>();
        for (String c : collections()) {
            if (c.startsWith(prefix)) {
                out.add(c.substring(prefix.length()));
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public void publish(String alias, String name) throws IOException {
        get("/admin/collections?action=CREATEALIAS&name=" + prefix + alias + "&collections=" + prefix + name
                + "&wt=json");
    }

    /** The collection an alias names now (empty when there is no such alias). */
    public String aliased(String alias) throws IOException {
        return get("/admin/collections?action=LISTALIASES&wt=json")
                .path("aliases")
                .path(prefix + alias)
                .asText("");
    }

    private List<String> collections() throws IOException {
        List<String> out = new ArrayList<>();
        get("/admin/collections?action=LIST&wt=json").path("collections").forEach(n -> out.add(n.asText()));
        return out;
    }

    JsonNode get(String path) throws IOException {
        return send(path, null, null);
    }

    JsonNode post(String path, String contentType, byte[] body) throws IOException {
        return send(path, contentType, body);
    }

    private JsonNode send(String path, String contentType, byte[] body) throws IOException {
        IOException last = null;
        for (String base : urls) {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (body != null) {
                b.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            }
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e; // this node is away: try the next
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (r.statusCode() / 100 != 2) {
                throw new IOException("Solr " + path.split("\\?")[0] + ": " + r.statusCode() + " " + r.body());
            }
            return Json.mapper().readTree(r.body());
        }
        throw new IOException("no Solr node answered " + path.split("\\?")[0] + ": " + last, last);
    }

    static String form(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (b.length() > 0) {
                b.append('&');
            }
            b.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** The configset of one vector dimension: schema and solrconfig for the documents {@link SolrIndex} writes. */
    static final class SolrSchema {
        private SolrSchema() {}

        static byte[] configset(int dimension) throws IOException {
            String schema = """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <schema name="clipstream-refresh" version="1.6">
                      <uniqueKey>id</uniqueKey>
                      <fieldType name="string" class="solr.StrField" sortMissingLast="true" docValues="true"/>
                      <fieldType name="plong" class="solr.LongPointField" docValues="true"/>
                      <fieldType name="vector" class="solr.DenseVectorField" vectorDimension="%d" similarityFunction="dot_product"
                                 knnAlgorithm="hnsw" hnswMaxConnections="16" hnswBeamWidth="100"/>
                      <field name="id" type="string" indexed="true" stored="true" required="true"/>
                      <field name="sha256" type="string" indexed="true" stored="true"/>
                      <field name="_version_" type="plong" indexed="false" stored="false"/>
                      <field name="kind" type="string" indexed="true" stored="true"/>
                      <field name="pairId" type="string" indexed="false" stored="true"/>
                      <field name="source" type="string" indexed="true" stored="true"/>
                      <field name="domain" type="string" indexed="true" stored="true"/>
                      <field name="caption" type="string" indexed="false" stored="true" docValues="false"/>
                      <field name="imageKey" type="string" indexed="false" stored="true"/>
                      <field name="expert" type="string" indexed="true" stored="true"/>
                      <field name="positions" type="string" indexed="false" stored="true" docValues="false"/>
                      <field name="image" type="vector" indexed="true" stored="false"/>
                      <field name="text" type="vector" indexed="true" stored="false"/>
                    </schema>
                    """.formatted(dimension);
            String config = """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <config>
                      <luceneMatchVersion>9.12</luceneMatchVersion>
                      <dataDir>${solr.data.dir:}</dataDir>
                      <directoryFactory name="DirectoryFactory" class="${solr.directoryFactory:solr.NRTCachingDirectoryFactory}"/>
                      <schemaFactory class="ClassicIndexSchemaFactory"/>
                      <updateHandler class="solr.DirectUpdateHandler2">
                        <updateLog><str name="dir">${solr.ulog.dir:}</str></updateLog>
                      </updateHandler>
                      <requestHandler name="/select" class="solr.SearchHandler"/>
                      <requestHandler name="/update" class="solr.UpdateRequestHandler"/>
                      <requestHandler name="/get" class="solr.RealTimeGetHandler"/>
                    </config>
                    """;
            ByteArrayOutputStream zip = new ByteArrayOutputStream();
            try (ZipOutputStream z = new ZipOutputStream(zip)) {
                z.putNextEntry(new ZipEntry("schema.xml"));
                z.write(schema.getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
                z.putNextEntry(new ZipEntry("solrconfig.xml"));
                z.write(config.getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            return zip.toByteArray();
        }
    }
}
