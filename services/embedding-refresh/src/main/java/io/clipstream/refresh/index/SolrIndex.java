package io.clipstream.refresh.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.contracts.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One index as a SolrCloud collection. Upserts by {@link IndexedPair#key()} (Solr's unique key {@code id}: a replay
 * replaces), visibility by a soft
 * commit that waits for the new searcher, durability by a hard commit; the feed's positions are one document of their
 * own ({@code __positions__}), written and hard-committed only after the pairs they cover were, so they never run ahead
 * of the contents. Queries are POSTed (a 512-d vector does not belong in a URL).
 */
final class SolrIndex implements VectorIndex {
    private static final String POSITIONS_ID = "__positions__";

    private final SolrBackend backend;
    private final String collection;
    private final String name;
    private final int dimension;

    SolrIndex(SolrBackend backend, String collection, String name, int dimension) {
        this.backend = backend;
        this.collection = collection;
        this.name = name;
        this.dimension = dimension;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void upsert(List<IndexedPair> pairs) throws IOException {
        if (pairs.isEmpty()) {
            return;
        }
        ArrayNode docs = Json.mapper().createArrayNode();
        for (IndexedPair p : pairs) {
            VectorIndex.requireDimension(p, dimension);
            ObjectNode d = docs.addObject();
            d.put("id", p.key())
                    .put("sha256", p.sha256())
                    .put("kind", "pair")
                    .put("pairId", nullToEmpty(p.pairId()))
                    .put("source", nullToEmpty(p.source()))
                    .put("domain", nullToEmpty(p.domain()))
                    .put("caption", nullToEmpty(p.caption()))
                    .put("imageKey", p.imageKey());
            if (p.expert() != null) {
                d.put("expert", p.expert());
            }
            ArrayNode img = d.putArray(Target.IMAGE.field());
            for (float v : p.imageVector()) {
                img.add(v);
            }
            ArrayNode txt = d.putArray(Target.TEXT.field());
            for (float v : p.textVector()) {
                txt.add(v);
            }
        }
        backend.post(
                "/" + collection + "/update?wt=json",
                "application/json",
                Json.mapper().writeValueAsBytes(docs));
    }

    @Override
    public void refresh() throws IOException {
        backend.post(
                "/" + collection + "/update?softCommit=true&waitSearcher=true&wt=json",
                "application/json",
                "[]".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void commit(Map<Integer, Long> positions) throws IOException {
        backend.post(
                "/" + collection + "/update?commit=true&waitSearcher=true&wt=json",
                "application/json",
                "[]".getBytes(StandardCharsets.UTF_8));
        ArrayNode docs = Json.mapper().createArrayNode();
        docs.addObject()
                .put("id", POSITIONS_ID)
                .put("kind", "positions")
                .put("positions", Json.mapper().writeValueAsString(new TreeMap<>(positions)));
        backend.post(
                "/" + collection + "/update?commit=true&waitSearcher=true&wt=json",
                "application/json",
                Json.mapper().writeValueAsBytes(docs));
    }

    @Override
    public Map<Integer, Long> committedPositions() throws IOException {
        JsonNode doc = backend.get("/" + collection + "/get?id=" + POSITIONS_ID + "&wt=json")
                .path("doc");
        Map<Integer, Long> out = new TreeMap<>();
        if (doc.isMissingNode() || doc.isNull()) {
            return out;
        }
        JsonNode stored = doc.path("positions");
        String text = stored.isArray() ? stored.get(0).asText() : stored.asText();
        Json.mapper()
                .readTree(text)
                .fields()
                .forEachRemaining(
                        e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
        return out;
    }

    @Override
    public List<Hit> search(Target target, float[] query, int k, Filter filter) throws IOException {
        if (query.length != dimension) {
            throw new IllegalArgumentException("a " + query.length + "-d query in a " + dimension + "-d index");
        }
        StringBuilder vector = new StringBuilder("[");
        for (int i = 0; i < query.length; i++) {
            vector.append(i == 0 ? "" : ",").append(query[i]);
        }
        vector.append(']');
        List<String> params = new ArrayList<>(List.of(
                "q",
                "{!knn f=" + target.field() + " topK=" + k + "}" + vector,
                "rows",
                Integer.toString(k),
                "fl",
                "sha256,pairId,source,domain,caption,imageKey,expert,score",
                "fq",
                "{!term f=kind}pair",
                "wt",
                "json"));
        if (filter != null && filter.domain() != null) {
            params.addAll(List.of("fq", "{!term f=domain}" + filter.domain()));
        }
        if (filter != null && filter.source() != null) {
            params.addAll(List.of("fq", "{!term f=source}" + filter.source()));
        }
        if (filter != null && filter.expert() != null) {
            params.addAll(List.of("fq", "{!term f=expert}" + filter.expert()));
        }
        JsonNode r = backend.post(
                "/" + collection + "/select",
                "application/x-www-form-urlencoded",
                SolrBackend.form(params.toArray(String[]::new)).getBytes(StandardCharsets.UTF_8));
        List<Hit> hits = new ArrayList<>();
        for (JsonNode d : r.at("/response/docs")) {
            // Solr scores a dot product as Lucene does, (1 + dot) / 2
            hits.add(new Hit(
                    d.get("sha256").asText(),
                    emptyToNull(d.path("pairId").asText(null)),
                    emptyToNull(d.path("source").asText(null)),
                    emptyToNull(d.path("domain").asText(null)),
                    d.path("caption").asText(null),
                    d.path("imageKey").asText(null),
                    (float) (2 * d.path("score").asDouble() - 1),
                    emptyToNull(d.path("expert").asText(null))));
        }
        return hits;
    }

    @Override
    public long count() throws IOException {
        return backend.post(
                        "/" + collection + "/select",
                        "application/x-www-form-urlencoded",
                        SolrBackend.form("q", "*:*", "fq", "{!term f=kind}pair", "rows", "0", "wt", "json")
                                .getBytes(StandardCharsets.UTF_8))
                .at("/response/numFound")
                .asLong();
    }

    /** Nothing to free: what was not committed is replayed from the committed positions after a restart. */
    @Override
    public void close() {}

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
