package io.clipstream.curator.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.image.PerceptualHash;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.CandidateSerde;
import io.clipstream.curator.inspect.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter alone in a TopologyTestDriver, on hand-made hashes: the band layout must find every near hash. */
class NearDuplicateFilterTest {
    private static final String CAPTION = "3f".repeat(32);
    /** 4 bits apart, one in each of four of the five 13-bit bands of the default layout. */
    private static final long BASE = 0x0123_4567_89AB_CDEFL;

    private static final long FOUR_BANDS_AWAY = BASE ^ (1L) ^ (1L << 13) ^ (1L << 26) ^ (1L << 39);

    private TopologyTestDriver driver;
    private TestInputTopic<String, Candidate> in;
    private TestOutputTopic<String, String> out;

    @BeforeEach
    void start() {
        QualityProfile defaults = QualityProfile.defaults(); // distance 4: five bands
        QualityProfile exact =
                new QualityProfile("exact", defaults.maxImageBytes(), defaults.maxPixels(), 1, 3.0, 0, 1, 100, 0, 0);
        QualityProfiles profiles =
                new QualityProfiles(defaults, List.of(new QualityProfiles.Named(exact, List.of("exact"), List.of())));

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(NearDuplicateFilter.STORE), Serdes.String(), PerceptualHashes.serde()));
        builder.stream("in", Consumed.with(Serdes.String(), new CandidateSerde()))
                .processValues(() -> new NearDuplicateFilter(profiles, 3, Clock.systemUTC()), NearDuplicateFilter.STORE)
                .mapValues(NearDuplicateFilterTest::outcome)
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "near-dup-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), props);
        in = driver.createInputTopic("in", Serdes.String().serializer(), new CandidateSerde().serializer());
        out = driver.createOutputTopic(
                "out", Serdes.String().deserializer(), Serdes.String().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void aHashWithinTheDistanceIsFoundWhateverBandsItsBitsFallIn() {
        send("a", "src", CAPTION, BASE);
        send("b", "src", CAPTION, FOUR_BANDS_AWAY);
        send("c", "src", CAPTION, BASE ^ (1L << 63) ^ (1L << 50)); // 2 bits from a, in the last two bands
        send("d", "src", CAPTION, BASE ^ 0x1FL); // 5 bits from a, in one band
        send("e", "src", CAPTION, FOUR_BANDS_AWAY ^ (1L << 52)); // 5 bits from a; b was rejected, so not kept

        assertThat(out.readValuesToList())
                .containsExactly(
                        "pass",
                        "DUPLICATE_NEAR: 4 bits from pair src/a",
                        "DUPLICATE_NEAR: 2 bits from pair src/a",
                        "pass",
                        "pass");
    }

    @Test
    void eachPairIsJudgedByItsOwnProfilesDistanceAndCaptionAgainstItsOwnProducersPairs() {
        send("a", "src", CAPTION, BASE);
        send("b", "exact", CAPTION, BASE); // a's hash and caption, another producer: its own pair
        send("c", "exact", CAPTION, BASE ^ 1L); // 1 bit from b, but its profile allows 0
        send("e", "exact", CAPTION, BASE); // b's hash again
        send("d", "src", "77".repeat(32), BASE); // a's hash, another caption

        assertThat(out.readValuesToList())
                .containsExactly("pass", "pass", "pass", "DUPLICATE_NEAR: 0 bits from pair exact/b", "pass");
    }

    @Test
    void aPairSentAgainIsNotItsOwnDuplicateAndIsKeptOnceAndAnotherProducersCopyIsItsOwn() {
        send("a", "src", CAPTION, BASE);
        send("a", "src", CAPTION, BASE);
        send("a", "other", CAPTION, BASE);

        assertThat(out.readValuesToList()).containsExactly("pass", "pass", "pass");
        KeyValueStore<String, PerceptualHashes> store = driver.getKeyValueStore(NearDuplicateFilter.STORE);
        List<Integer> bucketSizes = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> bucketSizes.add(kv.value.entries().size()));
        }
        assertThat(bucketSizes).as("one entry per band and producer").containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void aFullBucketDropsItsOldestHash() {
        // identical band-0 bits, every other band different: all share one bucket of capacity 3
        for (int i = 1; i <= 4; i++) {
            send("p" + i, "src", CAPTION, BASE ^ ((long) i * 0x0842_1084_2100_0000L));
        }
        send(
                "again",
                "src",
                CAPTION,
                BASE ^ 0x0842_1084_2100_0000L); // p1's hash: dropped from band 0, not from its own
        out.readValuesToList();
        KeyValueStore<String, PerceptualHashes> store = driver.getKeyValueStore(NearDuplicateFilter.STORE);
        String group = candidate("again", "src", CAPTION, BASE).captionScope().substring(0, 16);
        PerceptualHashes band0 = store.get(HashBands.forMaxDistance(4).bucketKey(group, BASE, 0));
        assertThat(band0.entries())
                .extracting(e -> Candidate.display(e.identity()))
                .containsExactly("src/p2", "src/p3", "src/p4");
    }

    private void send(String pairId, String source, String captionKey, long phash) {
        Candidate c = candidate(pairId, source, captionKey, phash);
        in.pipeInput(c.captionScope(), c);
    }

    private static Candidate candidate(String pairId, String source, String captionKey, long phash) {
        String profile = source.equals("exact") ? "exact" : QualityProfile.DEFAULT_NAME;
        return new Candidate(
                pairId,
                source,
                "d",
                profile,
                "a caption",
                captionKey,
                "ab".repeat(32),
                PerceptualHash.toHex(phash),
                "png",
                "image/png",
                300,
                300,
                100.0,
                new byte[] {1},
                Instant.EPOCH,
                "raw",
                0,
                0L);
    }

    private static String outcome(Verdict v) {
        if (!v.rejected()) {
            return "pass";
        }
        String detail = v.rejection().detail();
        return v.rejection().reasons().getFirst() + ": "
                + detail.substring(detail.indexOf(" is ") + 4, detail.indexOf(" with"));
    }
}
