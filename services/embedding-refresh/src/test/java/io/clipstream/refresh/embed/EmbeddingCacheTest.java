package io.clipstream.refresh.embed;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.refresh.embed.EmbeddingCache.Key;
import io.clipstream.refresh.embed.EmbeddingCache.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {
    @TempDir
    Path dir;

    @Test
    void vectorsAreFoundByContentAndSpaceAndSurviveAReopen() throws Exception {
        Key image = new Key(Kind.IMAGE, "a".repeat(64), "expert:p:1");
        Key sameContentOtherSpace = new Key(Kind.IMAGE, "a".repeat(64), "expert:p:2");
        Key text = new Key(Kind.TEXT, "a".repeat(64), "expert:p:1");
        try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
            cache.put(Map.of(image, new float[] {0.6f, -0.8f, Float.MIN_VALUE}, text, new float[] {1f, 0f, 0f}));
            Map<Key, float[]> found = cache.get(List.of(image, sameContentOtherSpace, text));
            assertThat(found).containsOnlyKeys(image, text);
            assertThat(found.get(image)).containsExactly(0.6f, -0.8f, Float.MIN_VALUE);
            cache.put(Map.of(image, new float[] {0f, 1f, 0f}));
            assertThat(cache.get(List.of(image)).get(image))
                    .as("a second put of a key replaces it")
                    .containsExactly(0f, 1f, 0f);
            assertThat(((EmbeddingCache.OnDisk) cache).size()).isEqualTo(2);
        }
        try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
            assertThat(cache.get(List.of(image, text))).containsOnlyKeys(image, text);
        }
    }

    @Test
    void retainDropsEverySpaceNotNamed() throws Exception {
        Key kept = new Key(Kind.IMAGE, "b".repeat(64), "expert:p:kept");
        Key dropped = new Key(Kind.TEXT, "b".repeat(64), "expert:p:gone");
        try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
            cache.put(Map.of(kept, new float[] {1f}, dropped, new float[] {1f}));
            cache.retain(Set.of("expert:p:kept"));
            assertThat(cache.get(List.of(kept, dropped))).containsOnlyKeys(kept);
        }
    }

    @Test
    void manyKeysAreLookedUpInChunks() throws Exception {
        try (EmbeddingCache cache = EmbeddingCache.open(dir)) {
            Map<Key, float[]> many = new java.util.HashMap<>();
            for (int i = 0; i < 5_000; i++) {
                many.put(new Key(Kind.IMAGE, String.format("%064d", i), "s"), new float[] {i});
            }
            cache.put(many);
            Map<Key, float[]> found = cache.get(many.keySet());
            assertThat(found).hasSize(5_000);
            found.forEach((k, v) -> assertThat(v[0]).isEqualTo(Float.parseFloat(k.contentSha256())));
        }
    }

    @Test
    void theEmptyCacheFindsNothing() throws Exception {
        Key k = new Key(Kind.IMAGE, "c".repeat(64), "s");
        EmbeddingCache.NONE.put(Map.of(k, new float[] {1f}));
        assertThat(EmbeddingCache.NONE.get(List.of(k))).isEmpty();
    }
}
