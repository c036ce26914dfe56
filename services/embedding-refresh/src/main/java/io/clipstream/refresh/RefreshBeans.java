package io.clipstream.refresh;

import io.clipstream.clip.DeviceChoice;
import io.clipstream.clip.precision.Precision;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.refresh.config.RefreshConfig;
import io.clipstream.refresh.embed.EmbeddingCache;
import io.clipstream.refresh.embed.PairEmbedder;
import io.clipstream.refresh.feed.IndexFeeder;
import io.clipstream.refresh.index.IndexBackend;
import io.clipstream.refresh.index.LuceneBackend;
import io.clipstream.refresh.index.LuceneIndex;
import io.clipstream.refresh.index.SolrBackend;
import io.clipstream.refresh.metrics.RefreshMetrics;
import io.clipstream.refresh.ops.OpsJournal;
import io.clipstream.refresh.ops.VersionCatalog;
import io.clipstream.refresh.reindex.ChampionWatch;
import io.clipstream.refresh.reindex.IndexEvents;
import io.clipstream.refresh.reindex.ModelFiles;
import io.clipstream.refresh.reindex.Refresher;
import io.clipstream.refresh.reindex.StateFile;
import io.clipstream.refresh.serve.Generation;
import io.clipstream.refresh.serve.LiveIndex;
import io.clipstream.refresh.serve.Searcher;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/** Wires the plain classes into CDI and starts the refresh loop once the application is up. */
public class RefreshBeans {
    private static final Logger LOG = Logger.getLogger(RefreshBeans.class);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StorageSettings s) {
        return ObjectStore.connect(s.toConfig());
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Producer<String, byte[]> producer(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> cfg = new HashMap<>(KafkaClientSettings.forProducer(kafka));
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(cfg);
    }

    void closeProducer(@Disposes Producer<String, byte[]> producer) {
        producer.close(Duration.ofSeconds(5));
    }

    @Produces
    @Singleton
    LiveIndex liveIndex() {
        return new LiveIndex();
    }

    @Produces
    @Singleton
    Searcher searcher(LiveIndex live, RefreshConfig cfg) {
        return new Searcher(live, cfg.search().candidates(), cfg.search().expertThreads());
    }

    void closeSearcher(@Disposes Searcher searcher) {
        searcher.close();
    }

    @Produces
    @Singleton
    RefreshMetrics metrics(MeterRegistry registry) {
        return new RefreshMetrics(registry);
    }

    @Produces
    @Singleton
    IndexBackend backend(RefreshConfig cfg) throws IOException {
        return switch (cfg.backend().toLowerCase(Locale.ROOT)) {
            case "lucene" ->
                new LuceneBackend(
                        cfg.dataDir().resolve(cfg.model()).resolve("indexes"),
                        LuceneIndex.Format.valueOf(cfg.vectorFormat().toUpperCase(Locale.ROOT)),
                        cfg.search().threads());
            case "solr" ->
                new SolrBackend(
                        cfg.solr()
                                .urls()
                                .orElseThrow(() -> new IllegalArgumentException(
                                        "clipstream.refresh.backend=solr needs clipstream.refresh.solr.urls")),
                        cfg.solr().prefix() + cfg.model() + "-",
                        cfg.solr().shards(),
                        cfg.solr().replicas());
            default ->
                throw new IllegalArgumentException(
                        "clipstream.refresh.backend must be lucene or solr, not " + cfg.backend());
        };
    }

    @Produces
    @Singleton
    EmbeddingCache embeddingCache(RefreshConfig cfg) throws IOException {
        return cfg.embeddingCache()
                ? EmbeddingCache.open(cfg.dataDir().resolve(cfg.model()).resolve("embedding-cache"))
                : EmbeddingCache.NONE;
    }

    void closeEmbeddingCache(@Disposes EmbeddingCache cache) throws IOException {
        cache.close();
    }

    @Produces
    @Singleton
    PairEmbedder embedder(ObjectStore store, RefreshConfig cfg, EmbeddingCache cache) {
        return new PairEmbedder(store, cfg.fetchParallelism(), cache);
    }

    void closeEmbedder(@Disposes PairEmbedder embedder) {
        embedder.close();
    }

    @Produces
    @Singleton
    Refresher refresher(
            RefreshConfig cfg,
            ObjectStore store,
            PairEmbedder embedder,
            EmbeddingCache cache,
            IndexBackend backend,
            LiveIndex live,
            Producer<String, byte[]> producer,
            RefreshMetrics metrics,
            Clock clock,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics) {
        String curated = topics.curated();
        DeviceChoice.Choice device = DeviceChoice.choose("clipstream.refresh.device", cfg.device());
        Precision precision = Precision.parse(cfg.precision(), device.device());
        LOG.infof("embedding on %s in %s", device.label(), precision);
        ModelFiles files = new ModelFiles(
                new Registry(store, new ModelLayout(cfg.model())),
                cfg.dataDir().resolve(cfg.model()).resolve("checkpoints"),
                device.device(),
                cfg.batchSize(),
                precision);
        Map<String, Object> consumer = KafkaClientSettings.forConsumer(kafka);
        IndexFeeder.Listener listener = new IndexFeeder.Listener() {
            @Override
            public void indexed(Generation g, List<PairCurated> pairs) {
                boolean serving = live.current().orElse(null) == g;
                metrics.indexed(serving ? "live" : "build", pairs.size());
                if (!serving) {
                    return;
                }
                Instant now = clock.instant();
                for (PairCurated p : pairs) {
                    if (p.submittedAt() != null) {
                        metrics.freshness(Duration.between(p.submittedAt(), now));
                    }
                }
            }

            @Override
            public void skipped(Generation g, PairCurated pair, String reason) {
                metrics.skipped(reason);
                LOG.warnf("pair %s (%s) not indexed in %s: %s", pair.pairId(), pair.sha256(), g, reason);
            }

            @Override
            public void malformed(Generation g, String detail) {
                metrics.malformed();
                LOG.warnf("skipped a pairs.curated record that does not parse: %s", detail);
            }
        };
        Refresher.Settings settings = new Refresher.Settings(
                cfg.model(), cfg.gracePeriod(), cfg.progressEvery(), cfg.retryBackoff(), Duration.ofSeconds(60));
        return new Refresher(
                settings,
                backend,
                files,
                cache,
                new StateFile(cfg.dataDir().resolve(cfg.model()).resolve("state.json")),
                live,
                new IndexEvents(producer, topics.indexEvents()),
                metrics,
                clock,
                new ChampionWatch(consumer, topics.modelVersions(), cfg.model()),
                (g, l) -> new IndexFeeder(g, consumer, curated, embedder, cfg.batchSize(), cfg.commitEvery(), l, clock),
                listener);
    }

    void closeRefresher(@Disposes Refresher refresher) {
        refresher.close();
    }

    @Produces
    @Singleton
    OpsJournal opsJournal(
            RefreshConfig cfg, @Identifier("default-kafka-broker") Map<String, Object> kafka, TopicsConfig topics) {
        return new OpsJournal(
                KafkaClientSettings.forConsumer(kafka),
                new OpsJournal.Settings(
                        cfg.model(),
                        topics.trainingRuns(),
                        topics.modelVersions(),
                        topics.indexEvents(),
                        cfg.ops().recentRuns(),
                        cfg.ops().recentEvents()));
    }

    void closeOpsJournal(@Disposes OpsJournal journal) {
        journal.close();
    }

    @Produces
    @Singleton
    VersionCatalog versionCatalog(RefreshConfig cfg, ObjectStore store, Clock clock) {
        return new VersionCatalog(new Registry(store, new ModelLayout(cfg.model())), clock, Duration.ofSeconds(5));
    }

    void start(
            @Observes StartupEvent ev,
            Refresher refresher,
            OpsJournal journal,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics) {
        if (topics.create()) {
            Map<TopicSpec, String> names = new LinkedHashMap<>();
            names.put(TopicSpecs.PAIRS_CURATED, topics.curated());
            names.put(TopicSpecs.MODEL_VERSIONS, topics.modelVersions());
            names.put(TopicSpecs.INDEX_EVENTS, topics.indexEvents());
            names.put(TopicSpecs.TRAINING_RUNS, topics.trainingRuns());
            TopicCreator.createMissing(
                    KafkaClientSettings.forAdmin(kafka),
                    names,
                    null,
                    topics.replicationFactor(),
                    n -> LOG.infof("created topic %s", n));
        }
        refresher.start();
        journal.start();
    }
}
