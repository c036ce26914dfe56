package io.clipstream.refresh.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * One Lucene index on local disk: per pair a document with its catalogue key, what a result shows, the expert that
 * embedded it (versions of per-domain experts), and two HNSW
 * vector fields ({@code image}, {@code text}) compared by dot product (the vectors are unit-norm, so that is the
 * cosine). Searches go through a {@link SearcherManager} (near-real-time: writes show after {@link #refresh()}); the
 * feed's positions ride in the commit's user data, so index contents and positions are durable together.
 */
public final class LuceneIndex implements VectorIndex {
    /** How vectors are stored: float32, or Lucene's int8 scalar quantisation (4x smaller, rescored). */
    public enum Format {
        FLOAT32,
        INT8
    }

    /** The document key: {@link IndexedPair#key()}. */
    static final String KEY = "key";
    /**
     * Commit user data saying how documents are keyed; an index without it was keyed by sha256 alone, and is rebuilt.
     */
    private static final String KEYED_BY = "keyed-by";

    private static final String KEYED_BY_VALUE = "source/sha256";
    private static final String POSITION_PREFIX = "position.";
    /** The per-domain expert that embedded a document (versions of experts only). */
    static final String EXPERT = "expert";

    private static final String DIMENSION = "dimension";
    /** HNSW defaults of Lucene: 16 neighbours per node, beam width 100 while building. */
    private static final int MAX_CONN = 16;

    private static final int BEAM_WIDTH = 100;

    private final String name;
    private final int dimension;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    private LuceneIndex(String name, int dimension, Directory directory, IndexWriter writer, Executor searchExecutor)
            throws IOException {
        this.name = name;
        this.dimension = dimension;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(
                writer,
                searchExecutor == null
                        ? null
                        : new SearcherFactory() {
                            @Override
                            public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
                                return new IndexSearcher(reader, searchExecutor);
                            }
                        });
    }

    /**
     * @param searchExecutor where the segments of one query are searched side by side (Lucene's slices), or null to
     *                       search them one after another on the caller's thread
     */
    static LuceneIndex open(Path dir, String name, int dimension, Format format, Executor searchExecutor)
            throws IOException {
        Directory directory = FSDirectory.open(dir);
        try {
            IndexWriterConfig cfg = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64)
                    .setCodec(codec(format));
            IndexWriter writer = new IndexWriter(directory, cfg);
            Map<String, String> data = userData(writer);
            String stored = data.get(DIMENSION);
            if (stored != null && Integer.parseInt(stored) != dimension) {
                writer.rollback();
                throw new IOException("index " + name + " holds " + stored + "-d vectors, not " + dimension);
            }
            if (stored != null && !KEYED_BY_VALUE.equals(data.get(KEYED_BY))) {
                writer.rollback();
                throw new IOException(
                        "index " + name + " keys its documents by image sha256 alone (built before de-duplication was "
                                + "scoped by producer): it is rebuilt");
            }
            return new LuceneIndex(name, dimension, directory, writer, searchExecutor);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private static Map<String, String> userData(IndexWriter writer) {
        Map<String, String> m = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(e -> m.put(e.getKey(), e.getValue()));
        }
        return m;
    }

    /**
     * The default codec with {@code format} for the vector fields (the format's name is written per field, so the
     * default codec reads it back).
     */
    private static Codec codec(Format format) {
        KnnVectorsFormat vectors = switch (format) {
            case FLOAT32 -> new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
            case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(MAX_CONN, BEAM_WIDTH);
        };
        Codec base = Codec.getDefault();
        return new FilterCodec(base.getName(), base) {
            private final KnnVectorsFormat perField = new PerFieldKnnVectorsFormat() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return vectors;
                }
            };

            @Override
            public KnnVectorsFormat knnVectorsFormat() {
                return perField;
            }
        };
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
        for (IndexedPair p : pairs) {
            VectorIndex.requireDimension(p, dimension);
            Document d = new Document();
            d.add(new StringField(KEY, p.key(), Field.Store.NO));
            d.add(new StoredField("sha256", p.sha256()));
            d.add(new StringField("domain", nullToEmpty(p.domain()), Field.Store.YES));
            d.add(new StringField("source", nullToEmpty(p.source()), Field.Store.YES));
            d.add(new StoredField("pairId", nullToEmpty(p.pairId())));
            d.add(new StoredField("caption", nullToEmpty(p.caption())));
            d.add(new StoredField("imageKey", p.imageKey()));
            if (p.expert() != null) {
                d.add(new StringField(EXPERT, p.expert(), Field.Store.YES));
            }
            d.add(new KnnFloatVectorField(Target.IMAGE.field(), p.imageVector(), VectorSimilarityFunction.DOT_PRODUCT));
            d.add(new KnnFloatVectorField(Target.TEXT.field(), p.textVector(), VectorSimilarityFunction.DOT_PRODUCT));
            writer.updateDocument(new Term(KEY, p.key()), d);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void refresh() throws IOException {
        searchers.maybeRefreshBlocking();
    }

    @Override
    public void commit(Map<Integer, Long> positions) throws IOException {
        Map<String, String> data = new HashMap<>();
        data.put(DIMENSION, Integer.toString(dimension));
        data.put(KEYED_BY, KEYED_BY_VALUE);
        positions.forEach((p, o) -> data.put(POSITION_PREFIX + p, Long.toString(o)));
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
    }

    @Override
    public Map<Integer, Long> committedPositions() throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        if (!DirectoryReader.indexExists(directory)) {
            return out;
        }
        SegmentInfos.readLatestCommit(directory).getUserData().forEach((k, v) -> {
            if (k.startsWith(POSITION_PREFIX)) {
                out.put(Integer.parseInt(k.substring(POSITION_PREFIX.length())), Long.parseLong(v));
            }
        });
        return out;
    }

    @Override
    public List<Hit> search(Target target, float[] query, int k, Filter filter) throws IOException {
        if (query.length != dimension) {
            throw new IllegalArgumentException("a " + query.length + "-d query in a " + dimension + "-d index");
        }
        IndexSearcher searcher = searchers.acquire();
        try {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(target.field(), query, k, filterQuery(filter)), k);
            StoredFields stored = searcher.storedFields();
            List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                Document d = stored.document(sd.doc);
                // Lucene scores a dot product as (1 + dot) / 2
                hits.add(new Hit(
                        d.get("sha256"),
                        emptyToNull(d.get("pairId")),
                        emptyToNull(d.get("source")),
                        emptyToNull(d.get("domain")),
                        d.get("caption"),
                        d.get("imageKey"),
                        2 * sd.score - 1,
                        d.get(EXPERT)));
            }
            return hits;
        } finally {
            searchers.release(searcher);
        }
    }

    private static Query filterQuery(Filter f) {
        if (f == null || f.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        if (f.domain() != null) {
            b.add(new TermQuery(new Term("domain", f.domain())), BooleanClause.Occur.FILTER);
        }
        if (f.source() != null) {
            b.add(new TermQuery(new Term("source", f.source())), BooleanClause.Occur.FILTER);
        }
        if (f.expert() != null) {
            b.add(new TermQuery(new Term(EXPERT, f.expert())), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public long count() throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            searchers.release(searcher);
        }
    }

    /** Closes without committing: what was not committed is replayed from the feed's committed positions. */
    @Override
    public void close() throws IOException {
        try {
            searchers.close();
        } finally {
            try {
                writer.rollback();
            } finally {
                directory.close();
            }
        }
    }
}
