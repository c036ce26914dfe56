package io.clipstream.refresh.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Lucene index on disk: documents keyed by producer and image, and indexes keyed the old way refused. */
class LuceneIndexTest {
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path tmp;

    private static IndexedPair pair(String source, String caption, float x) {
        float[] v = {x, (float) Math.sqrt(1 - x * x)};
        return new IndexedPair(SHA, "p-1", source, "plain", caption, "pairs/images/sha256/ab/" + SHA + ".png", v, v);
    }

    @Test
    void twoProducersPairsOfOneImageAreTwoDocumentsAndAReplayReplacesItsOwn() throws Exception {
        try (LuceneIndex index = LuceneIndex.open(tmp.resolve("i"), "i", 2, LuceneIndex.Format.FLOAT32, null)) {
            index.upsert(List.of(pair("acme", "a heron", 0.6f), pair("globex", "a grey heron", 0.8f)));
            index.upsert(List.of(pair("acme", "a heron, again", 0.6f))); // a replay of acme's pair
            index.refresh();
            assertThat(index.count()).isEqualTo(2);
            assertThat(index.search(Target.IMAGE, new float[] {1, 0}, 5, null))
                    .extracting(Hit::source, Hit::caption, Hit::sha256)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("acme", "a heron, again", SHA),
                            org.assertj.core.groups.Tuple.tuple("globex", "a grey heron", SHA));
            index.commit(Map.of(0, 3L));
        }
        try (LuceneIndex again = LuceneIndex.open(tmp.resolve("i"), "i", 2, LuceneIndex.Format.FLOAT32, null)) {
            assertThat(again.committedPositions()).isEqualTo(Map.of(0, 3L));
        }
    }

    @Test
    void anIndexKeyedByImageAloneIsRefusedSoThatItIsRebuilt() throws Exception {
        Path dir = tmp.resolve("old");
        try (FSDirectory d = FSDirectory.open(dir);
                IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
            Document doc = new Document();
            doc.add(new StringField("sha256", SHA, Field.Store.YES));
            w.addDocument(doc);
            w.setLiveCommitData(Map.of("dimension", "2").entrySet());
            w.commit();
        }
        assertThatThrownBy(() -> LuceneIndex.open(dir, "old", 2, LuceneIndex.Format.FLOAT32, null))
                .hasMessageContaining("keys its documents by image sha256 alone");
    }
}
