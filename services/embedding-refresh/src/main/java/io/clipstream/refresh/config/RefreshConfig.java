package io.clipstream.refresh.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code clipstream.refresh.*} (defaults documented in application.properties). */
@ConfigMapping(prefix = "clipstream.refresh")
public interface RefreshConfig {
    /** The model whose champion the index follows: its objects live under {@code models/<model>/}. */
    @WithDefault("tiny")
    String model();

    /** Indexes, model files and the state of which index serves. */
    Path dataDir();

    /** auto | cpu | gpu | gpu-or-cpu, as the trainer's setting. */
    @WithDefault("auto")
    String device();

    /**
     * fp32, fp16-mixed (the weights in fp16, the embeddings out in fp32), or auto: fp16-mixed on a GPU, fp32 on the
     * CPU. A version's vectors in one precision are not carried into the other (the space id says which).
     */
    @WithDefault("auto")
    String precision();

    /** Pairs embedded per model call. */
    @WithDefault("32")
    int batchSize();

    /** Image requests to object storage in flight per batch (they overlap with decoding). */
    @WithDefault("8")
    int fetchParallelism();

    /**
     * Keep every vector computed, by content and by the weights that computed it, under {@code <data-dir>/<model>/
     * embedding-cache}: a new version re-embeds only the pairs its new or changed experts touch, and carries the rest.
     * The vectors of versions no longer served are dropped at each swap.
     */
    @WithDefault("true")
    boolean embeddingCache();

    /** How often an index's writes are made durable with the feed's positions (a restart replays at most this much). */
    @WithDefault("5s")
    Duration commitEvery();

    /** How long a swapped-out index keeps answering the queries that started on it, before it is closed and dropped. */
    @WithDefault("30s")
    Duration gracePeriod();

    /** How often a running re-index reports PROGRESS on index.events. */
    @WithDefault("2s")
    Duration progressEvery();

    /** Wait before a failed build is tried again (the live index serves meanwhile). */
    @WithDefault("30s")
    Duration retryBackoff();

    /** lucene (embedded, on local disk) | solr (SolrCloud collections, see {@link #solr()}). */
    @WithDefault("lucene")
    String backend();

    Solr solr();

    /** float32 | int8 (Lucene's scalar quantisation of the HNSW vectors; the lucene backend only). */
    @WithDefault("float32")
    String vectorFormat();

    Search search();

    Ops ops();

    /** Who may search: {@code clipstream.refresh.api-keys.<client>=<key>} (X-Api-Key or Authorization: Bearer). */
    Map<String, String> apiKeys();

    interface Solr {
        /** Base URLs of Solr nodes, e.g. http://solr-0:8983/solr; the first that answers serves a request. */
        Optional<List<String>> urls();

        /** Collections, configsets and the alias of this service are named with this prefix. */
        @WithDefault("clipstream-")
        String prefix();

        /** Shards of each new collection. */
        @WithDefault("2")
        int shards();

        /** Replicas of each shard. */
        @WithDefault("1")
        int replicas();
    }

    /** The page's operations view ({@code GET /v1/ops}): how much of the loop's history it keeps. */
    interface Ops {
        /** The latest training runs kept, with their steps. */
        @WithDefault("20")
        int recentRuns();

        /** The latest announcements and index events kept (each). */
        @WithDefault("50")
        int recentEvents();
    }

    interface Search {
        /** Hits returned when a query does not ask for a number. */
        @WithDefault("10")
        int defaultK();

        /** Most hits a query may ask for (400 beyond). */
        @WithDefault("100")
        int maxK();

        /** HNSW explores at least this many candidates per query (Lucene's k), then keeps the best k: recall. */
        @WithDefault("100")
        int candidates();

        /**
         * Threads that search the segments of one query side by side (Lucene backend; 1 = one segment after another on
         * the request's thread). An index built in one go holds several segments until merges catch up.
         */
        @WithDefault("1")
        int threads();

        /**
         * With a version of per-domain experts, how many experts' spaces one query searches side by side (1 = one
         * after another on the request's thread).
         */
        @WithDefault("2")
        int expertThreads();

        /** Longest text query, in characters (400 beyond). */
        @WithDefault("1000")
        int maxQueryChars();

        /** Largest query image body. */
        @WithDefault("4194304")
        int maxImageBytes();

        /** Largest query image, width x height, checked from the header before decoding. */
        @WithDefault("40000000")
        long maxImagePixels();

        /**
         * Image queries per client key (each decodes an image and runs the image encoder): sustained per second, the
         * burst above it, and at once; over either, 429 with Retry-After.
         */
        @WithDefault("5")
        double imageRatePerSecond();

        /** Image queries a client may send at once above its rate. */
        @WithDefault("10")
        int imageBurst();

        /** Image queries of one client being answered at the same time; one more is refused (429). */
        @WithDefault("2")
        int imageMaxInFlight();

        /** Life of the presigned image URLs in results. */
        @WithDefault("10m")
        Duration imageUrlTtl();
    }
}
