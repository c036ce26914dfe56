package io.clipstream.curator.streams;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.curator.config.CuratorConfig;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.dedup.ExactDuplicateFilter;
import io.clipstream.curator.dedup.NearDuplicateFilter;
import io.clipstream.curator.dedup.PairIdentities;
import io.clipstream.curator.dedup.PerceptualHashes;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.CandidateSerde;
import io.clipstream.curator.inspect.PairInspector;
import io.clipstream.curator.inspect.Verdict;
import io.clipstream.curator.metrics.CuratorMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The curator, top to bottom:
 * <pre>
 * pairs.raw (bytes) -> inspect image + caption, (source, pairId) [pair-identity] -> pairs.rejected
 *   -> key by source/sha256 -> repartition -> exact de-dup [seen-sha256] -----> pairs.rejected
 *   -> key by source+caption -> repartition -> near de-dup [phash-bands] -----> pairs.rejected
 *   -> key by source/sha256 -> &lt;application-id&gt;-accepted
 *      -> (store.StoreStage) write image + text to object storage -> pairs.curated
 * </pre>
 * De-duplication is scoped by producer: the same image from two producers is two pairs, each its own
 * producer's. (The processor and repartition names still say sha256 and caption: renaming them would
 * orphan the internal topics and stores of a running curator.)
 * A step that cannot finish a pair for a reason that is not the pair's (storage unavailable past
 * the curator's patience, an unexpected error) sends it to pairs.deadletter instead. The objects are
 * written outside the topology, by {@link io.clipstream.curator.store.StoreStage}, many at a time.
 */
@ApplicationScoped
public class TopologyProducer {
    private static final Serde<Candidate> CANDIDATE = new CandidateSerde();
    private static final Serde<PairRejected> REJECTED = EventSerdes.pairRejected();
    private static final Serde<PairDeadLettered> DEAD_LETTERED = EventSerdes.pairDeadLettered();

    private final TopicNames topics;
    private final PairInspector inspector;
    private final QualityProfiles profiles;
    private final int hashesPerBucket;
    private final InPlaceRetry retry;
    private final CuratorMetrics metrics;
    private final Clock clock;

    @Inject
    public TopologyProducer(
            TopicsConfig topics,
            CuratorConfig config,
            PairInspector inspector,
            InPlaceRetry retry,
            CuratorMetrics metrics,
            Clock clock) {
        this(
                TopicNames.of(topics),
                inspector,
                config.qualityProfiles(),
                config.nearDuplicateHashesPerBucket(),
                retry,
                metrics,
                clock);
    }

    public TopologyProducer(
            TopicNames topics,
            PairInspector inspector,
            QualityProfiles profiles,
            int hashesPerBucket,
            InPlaceRetry retry,
            CuratorMetrics metrics,
            Clock clock) {
        this.topics = topics;
        this.inspector = inspector;
        this.profiles = profiles;
        this.hashesPerBucket = hashesPerBucket;
        this.retry = retry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Produces
    public Topology buildTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PairIdentities.STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ExactDuplicateFilter.STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(NearDuplicateFilter.STORE), Serdes.String(), PerceptualHashes.serde()));

        // 1. Inspect image and caption, check the (source, pairId) identity; unreadable records
        //    become MALFORMED_EVENT rejections.
        KStream<String, Verdict> inspected = builder.stream(
                        topics.raw(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("pairs-raw"))
                .process(
                        () -> new InspectProcessor(inspector, retry, metrics, clock),
                        Named.as("inspect"),
                        PairIdentities.STORE);
        deadLetter(inspected, "inspect");
        KStream<String, Candidate> valid = passOrReject(inspected, "inspect");

        // 2. Exact duplicates of one producer: partition by the catalogue key (source, sha256 of the image bytes).
        KStream<String, Verdict> exactChecked = valid.selectKey(
                        (pairId, c) -> c.catalogueKey(), Named.as("key-by-sha256"))
                .repartition(Repartitioned.with(Serdes.String(), CANDIDATE).withName("by-sha256"))
                .processValues(
                        () -> new ExactDuplicateFilter(clock), Named.as("exact-dedup"), ExactDuplicateFilter.STORE);
        KStream<String, Candidate> unique = passOrReject(exactChecked, "exact-dedup");

        // 3. Near duplicates of one producer: partition by producer and normalised caption.
        KStream<String, Verdict> nearChecked = unique.selectKey(
                        (key, c) -> c.captionScope(), Named.as("key-by-caption"))
                .repartition(Repartitioned.with(Serdes.String(), CANDIDATE).withName("by-caption"))
                .processValues(
                        () -> new NearDuplicateFilter(profiles, hashesPerBucket, clock),
                        Named.as("near-dedup"),
                        NearDuplicateFilter.STORE);
        KStream<String, Candidate> novel = passOrReject(nearChecked, "near-dedup");

        // 4. To the store stage, keyed by the catalogue key: it writes image and text, then the catalogue entry.
        novel.selectKey((scope, c) -> c.catalogueKey(), Named.as("key-accepted-by-sha256"))
                .to(topics.accepted(), Produced.with(Serdes.String(), CANDIDATE).withName("to-accepted"));

        return builder.build();
    }

    /** Sends the rejections of a step to pairs.rejected (key pairId) and returns the pairs that passed. */
    private KStream<String, Candidate> passOrReject(KStream<String, Verdict> verdicts, String step) {
        verdicts.filter((k, v) -> v.rejected(), Named.as(step + "-rejected"))
                .map((k, v) -> KeyValue.pair(v.rejection().pairId(), v.rejection()), Named.as(step + "-key-by-pair-id"))
                .peek((pairId, rejection) -> metrics.rejected(rejection), Named.as(step + "-count-rejected"))
                .to(topics.rejected(), Produced.with(Serdes.String(), REJECTED).withName(step + "-to-rejected"));
        return verdicts.filter((k, v) -> v instanceof Verdict.Pass, Named.as(step + "-passed"))
                .mapValues(Verdict::candidate, Named.as(step + "-candidate"));
    }

    /** Sends the dead letters of a step to pairs.deadletter, key pairId. */
    private void deadLetter(KStream<String, Verdict> verdicts, String step) {
        verdicts.filter((k, v) -> v.deadLettered(), Named.as(step + "-dead-lettered"))
                .map(
                        (k, v) -> KeyValue.pair(v.deadLetter().pairId(), v.deadLetter()),
                        Named.as(step + "-dead-letter-by-pair-id"))
                .peek((pairId, dl) -> metrics.deadLettered(dl), Named.as(step + "-count-dead-lettered"))
                .to(
                        topics.deadletter(),
                        Produced.with(Serdes.String(), DEAD_LETTERED).withName(step + "-to-deadletter"));
    }
}
