package io.clipstream.refresh.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Embeddings already computed, by content: an image's vector by one vector space (a model version's one adapter, or
 * one expert on its base) under the image's sha256, a caption's under the caption's sha256. A space's id names the
 * weights that produce it, so a vector found here is the one the model would compute: a new version whose experts
 * are partly the previous version's re-embeds only what its new or changed experts touch, and carries the rest.
 * Kept in a small Lucene index on local disk (one document per vector, stored fields only); it is a cache, so a write
 * lost in a crash only costs a recomputation. Thread-safe.
 */
public interface EmbeddingCache extends AutoCloseable {

    /** What is cached: an image's vector or a caption's. */
    enum Kind {
        IMAGE,
        TEXT
    }

    /** One vector's address: what (content sha256) in which space. */
    record Key(Kind kind, String contentSha256, String space) {
        String id() {
            return kind.name().charAt(0) + ":" + contentSha256 + ":" + space;
        }
    }

    /** The vectors found of {@code keys}; absent keys are missing from the map. */
    Map<Key, float[]> get(Collection<Key> keys) throws IOException;

    void put(Map<Key, float[]> vectors) throws IOException;

    /** Drops every vector of a space not in {@code spaces}: what no version in use can ask for any more. */
    void retain(Set<String> spaces) throws IOException;

    @Override
    void close() throws IOException;

    /** A cache that holds nothing: every vector is computed. */
    EmbeddingCache NONE = new EmbeddingCache() {
        @Override
        public Map<Key, float[]> get(Collection<Key> keys) {
            return Map.of();
        }

        @Override
        public void put(Map<Key, float[]> vectors) {}

        @Override
        public void retain(Set<String> spaces) {}

        @Override
        public void close() {}
    };

    /** A cache in a Lucene index under {@code dir} (created when missing). */
    static EmbeddingCache open(Path dir) throws IOException {
        return new OnDisk(dir);
    }

    /** The Lucene form: key and space indexed, the vector stored as little-endian float32 bytes. */
    final class OnDisk implements EmbeddingCache {
        private static final String ID = "id";
        private static final String SPACE = "space";
        private static final String VECTOR = "vector";
        /** Keys asked in one query (Lucene's default clause limit is far above; this keeps queries small). */
        private static final int LOOKUP_CHUNK = 4_096;

        private final FSDirectory directory;
        private final IndexWriter writer;
        private final SearcherManager searchers;

        private OnDisk(Path dir) throws IOException {
            this.directory = FSDirectory.open(dir);
            IndexWriter w = null;
            try {
                w = new IndexWriter(
                        directory, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
                this.writer = w;
                this.searchers = new SearcherManager(w, null);
            } catch (IOException | RuntimeException e) {
                if (w != null) {
                    w.close();
                }
                directory.close();
                throw e;
            }
        }

        @Override
        public Map<Key, float[]> get(Collection<Key> keys) throws IOException {
            Map<String, Key> byId = new HashMap<>();
            for (Key k : keys) {
                byId.put(k.id(), k);
            }
            Map<Key, float[]> out = new HashMap<>();
            if (byId.isEmpty()) {
                return out;
            }
            IndexSearcher s = searchers.acquire();
            try {
                List<String> ids = new ArrayList<>(byId.keySet());
                for (int from = 0; from < ids.size(); from += LOOKUP_CHUNK) {
                    List<BytesRef> terms = ids.subList(from, Math.min(ids.size(), from + LOOKUP_CHUNK)).stream()
                            .map(BytesRef::new)
                            .toList();
                    StoredFields stored = s.storedFields();
                    for (ScoreDoc d : s.search(new TermInSetQuery(ID, terms), terms.size()).scoreDocs) {
                        Document doc = stored.document(d.doc);
                        out.put(byId.get(doc.get(ID)), decode(doc.getBinaryValue(VECTOR)));
                    }
                }
            } finally {
                searchers.release(s);
            }
            return out;
        }

        @Override
        public void put(Map<Key, float[]> vectors) throws IOException {
            if (vectors.isEmpty()) {
                return;
            }
            for (Map.Entry<Key, float[]> e : vectors.entrySet()) {
                Document doc = new Document();
                doc.add(new StringField(ID, e.getKey().id(), Field.Store.YES));
                doc.add(new StringField(SPACE, e.getKey().space(), Field.Store.NO));
                doc.add(new StoredField(VECTOR, encode(e.getValue())));
                // by id, so that two feeders computing one vector at once leave one document
                writer.updateDocument(new Term(ID, e.getKey().id()), doc);
            }
            searchers.maybeRefresh();
        }

        @Override
        public void retain(Set<String> spaces) throws IOException {
            BooleanQuery.Builder drop =
                    new BooleanQuery.Builder().add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
            for (String space : new LinkedHashSet<>(spaces)) {
                drop.add(new TermQuery(new Term(SPACE, space)), BooleanClause.Occur.MUST_NOT);
            }
            writer.deleteDocuments(drop.build());
            writer.commit();
            searchers.maybeRefresh();
        }

        /** Vectors cached so far (searchable ones). */
        public int size() throws IOException {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                searchers.release(s);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                searchers.close();
                writer.commit();
            } finally {
                try {
                    writer.close();
                } finally {
                    directory.close();
                }
            }
        }

        private static BytesRef encode(float[] v) {
            ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return new BytesRef(b.array());
        }

        private static float[] decode(BytesRef bytes) {
            float[] v = new float[bytes.length / Float.BYTES];
            ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(v);
            return v;
        }
    }
}
