package io.clipstream.refresh.embed;

import io.clipstream.storage.ContentAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captions embedded through the {@link EmbeddingCache}: each in its own space, one model pass per space for the missing
 * ones.
 */
final class CachedTexts {
    private CachedTexts() {}

    /** Embeds the captions of one space. */
    @FunctionalInterface
    interface Pass {
        float[][] embed(String space, List<String> captions);
    }

    /** Each caption's vector, and whether it was found in the cache. */
    record Result(float[][] vectors, boolean[] found) {}

    static Result embed(List<String> captions, List<String> spaceOfEach, EmbeddingCache cache, Pass pass)
            throws IOException {
        List<EmbeddingCache.Key> keys = new ArrayList<>(captions.size());
        for (int i = 0; i < captions.size(); i++) {
            String sha = ContentAddress.sha256Hex(captions.get(i).getBytes(StandardCharsets.UTF_8));
            keys.add(new EmbeddingCache.Key(EmbeddingCache.Kind.TEXT, sha, spaceOfEach.get(i)));
        }
        Map<EmbeddingCache.Key, float[]> found = cache.get(keys);
        float[][] vectors = new float[captions.size()][];
        boolean[] hit = new boolean[captions.size()];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            vectors[i] = found.get(keys.get(i));
            hit[i] = vectors[i] != null;
            if (!hit[i]) {
                missing.computeIfAbsent(spaceOfEach.get(i), s -> new ArrayList<>())
                        .add(i);
            }
        }
        Map<EmbeddingCache.Key, float[]> computed = new HashMap<>();
        for (Map.Entry<String, List<Integer>> e : missing.entrySet()) {
            float[][] v = pass.embed(
                    e.getKey(), e.getValue().stream().map(captions::get).toList());
            for (int j = 0; j < v.length; j++) {
                int i = e.getValue().get(j);
                vectors[i] = v[j];
                computed.put(keys.get(i), v[j]);
            }
        }
        cache.put(computed);
        return new Result(vectors, hit);
    }
}
