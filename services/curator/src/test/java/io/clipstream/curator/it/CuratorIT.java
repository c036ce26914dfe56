package io.clipstream.curator.it;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.StorageSettings;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The curator in-process against the real broker and S3 server: a bad input made for every curator
 * reason code, duplicates, and the objects of accepted pairs. None of the bad inputs stops the service.
 */
@QuarkusTest
@QuarkusTestResource(ClipStreamInfraResource.class)
class CuratorIT {
    private static final Duration WAIT = Duration.ofSeconds(120); // generous: the build machine is shared
    private static RawProducer raw;
    private static OutputTopics out;

    @Inject
    StorageSettings storage;

    @Inject
    ObjectStore store;

    @BeforeAll
    static void clients() {
        Infra infra = Infra.shared();
        // the app created the topics at startup
        raw = new RawProducer(infra.kafkaBootstrapServers(), "it.pairs.raw");
        out = new OutputTopics(infra.kafkaBootstrapServers(), "it.pairs.curated", "it.pairs.rejected");
    }

    @AfterAll
    static void close() {
        raw.close();
        out.close();
    }

    private static byte[] photo(long seed) {
        return TestImages.png(TestImages.photo(240, 220, seed));
    }

    private static PairCurated awaitCurated(String pairId) {
        await().atMost(WAIT).until(() -> {
            out.poll();
            return out.curated(pairId).isPresent() || out.rejected(pairId).isPresent();
        });
        assertThat(out.rejected(pairId)).as("rejection of " + pairId).isEmpty();
        return out.curated(pairId).orElseThrow();
    }

    private static PairRejected awaitRejected(String pairId) {
        await().atMost(WAIT).until(() -> {
            out.poll();
            return out.curated(pairId).isPresent() || out.rejected(pairId).isPresent();
        });
        assertThat(out.curated(pairId)).as("curated " + pairId).isEmpty();
        return out.rejected(pairId).orElseThrow();
    }

    @Test
    void everyCuratorReasonCodeHasABadInputAndNoneStopsTheService() {
        BufferedImage sharp = TestImages.photo(300, 240, 5001);
        Map<String, byte[]> events = new LinkedHashMap<>();
        Map<String, ReasonCode> expected = new LinkedHashMap<>();
        String caption = "a colourful test picture";

        events.put("r-malformed", "{\"pairId\": \"r-malformed\", oops".getBytes(StandardCharsets.UTF_8));
        expected.put("r-malformed", ReasonCode.MALFORMED_EVENT);
        events.put("r-missing", TestPairs.event("r-missing", "it", caption, null));
        expected.put("r-missing", ReasonCode.IMAGE_MISSING);
        events.put("r-bytes", TestPairs.event("r-bytes", "it-tight", caption, photo(5002)));
        expected.put("r-bytes", ReasonCode.IMAGE_TOO_MANY_BYTES);
        events.put("r-truncated", TestPairs.event("r-truncated", "it", caption,
                TestImages.truncated(TestImages.png(sharp), 0.5)));
        expected.put("r-truncated", ReasonCode.IMAGE_CORRUPT);
        events.put("r-webp", TestPairs.event("r-webp", "it", caption, TestImages.webpHeader()));
        expected.put("r-webp", ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        events.put("r-bomb", TestPairs.event("r-bomb", "it", caption, TestImages.pngClaiming(50_000, 50_000)));
        expected.put("r-bomb", ReasonCode.IMAGE_DECOMPRESSION_BOMB);
        events.put("r-tiny", TestPairs.event("r-tiny", "it", caption, TestImages.png(TestImages.photo(1, 1, 1))));
        expected.put("r-tiny", ReasonCode.IMAGE_TOO_SMALL);
        events.put("r-aspect", TestPairs.event("r-aspect", "it", caption, TestImages.png(TestImages.photo(900, 250, 5003))));
        expected.put("r-aspect", ReasonCode.IMAGE_EXTREME_ASPECT_RATIO);
        events.put("r-blank", TestPairs.event("r-blank", "it", caption, TestImages.png(TestImages.blank(300, 300, Color.LIGHT_GRAY))));
        expected.put("r-blank", ReasonCode.IMAGE_BLURRY);
        events.put("r-blurred", TestPairs.event("r-blurred", "it", caption,
                TestImages.png(TestImages.gaussianBlur(TestImages.photo(300, 240, 5004), 3.0))));
        expected.put("r-blurred", ReasonCode.IMAGE_BLURRY);
        events.put("r-text-empty", TestPairs.event("r-text-empty", "it", " <br> ", photo(5005)));
        expected.put("r-text-empty", ReasonCode.TEXT_EMPTY);
        events.put("r-text-short", TestPairs.event("r-text-short", "it", "hat", photo(5006)));
        expected.put("r-text-short", ReasonCode.TEXT_TOO_SHORT);
        events.put("r-text-long", TestPairs.event("r-text-long", "it", "lorem ipsum ".repeat(8_534), photo(5007)));
        expected.put("r-text-long", ReasonCode.TEXT_TOO_LONG);
        events.put("r-text-not", TestPairs.event("r-text-not", "it", "1234567 !!! ### 0x00", photo(5008)));
        expected.put("r-text-not", ReasonCode.TEXT_NOT_TEXT);

        events.forEach(raw::send);
        // ...and the service still curates a good pair afterwards
        raw.send("r-good-after", TestPairs.event("r-good-after", "it", caption, photo(5009)));

        for (var e : expected.entrySet()) {
            PairRejected r = awaitRejected(e.getKey());
            assertThat(r.reasons()).as(e.getKey() + ": " + r.detail()).contains(e.getValue());
            assertThat(r.detail()).isNotBlank();
            assertThat(r.rawTopic()).isEqualTo("it.pairs.raw");
            assertThat(r.rawOffset()).isGreaterThanOrEqualTo(0);
        }
        assertThat(awaitRejected("r-text-long").detail()).contains("limit 1000");
        PairCurated good = awaitCurated("r-good-after");
        assertThat(store.exists(good.imageKey())).isTrue();

        Set<ReasonCode> covered = expected.values().stream().collect(Collectors.toCollection(() -> EnumSet.noneOf(ReasonCode.class)));
        covered.addAll(EnumSet.of(ReasonCode.DUPLICATE_EXACT, ReasonCode.DUPLICATE_NEAR)); // see the tests below
        Set<ReasonCode> curatorCodes = EnumSet.noneOf(ReasonCode.class);
        for (ReasonCode c : ReasonCode.values()) {
            if (c.stage() == ReasonCode.Stage.CURATOR && c != ReasonCode.LOW_ALIGNMENT) {
                curatorCodes.add(c);
            }
        }
        assertThat(covered).containsAll(curatorCodes);
    }

    @Test
    void acceptedPairsHaveTheirImageAndTextInObjectStorage() {
        byte[] image = photo(6001);
        raw.send("s-1", TestPairs.event("s-1", "it", "  A <b>bright</b>   kite &amp; a beach ", image));
        PairCurated c = awaitCurated("s-1");

        String sha = ContentAddress.sha256Hex(image);
        assertThat(c.sha256()).isEqualTo(sha);
        assertThat(c.imageKey()).isEqualTo(ContentAddress.imageKey(sha, "png"));
        assertThat(c.textKey()).isEqualTo(ContentAddress.textKey(sha));
        assertThat(c.text()).isEqualTo("A bright kite & a beach");
        assertThat(c.width()).isEqualTo(240);
        assertThat(c.height()).isEqualTo(220);
        assertThat(c.perceptualHash()).matches("[0-9a-f]{16}");
        assertThat(c.quality()).containsKey("sharpness");
        assertThat(out.curated().stream().filter(r -> "s-1".equals(r.value().pairId())).findFirst().orElseThrow().key())
                .isEqualTo(sha);

        assertThat(store.get(c.imageKey())).hasValueSatisfying(b -> assertThat(b).isEqualTo(image));
        @SuppressWarnings("unchecked")
        Map<String, Object> text = Json.read(store.get(c.textKey()).orElseThrow(), Map.class);
        assertThat(text).containsEntry("pairId", "s-1").containsEntry("text", "A bright kite & a beach")
                .containsEntry("sha256", sha).containsEntry("width", 240).containsEntry("height", 220)
                .containsEntry("perceptualHash", c.perceptualHash()).containsEntry("source", "it");
        assertThat(storage.bucket()).isEqualTo("curator-it");
    }

    @Test
    void exactDuplicateIsRejected() {
        byte[] image = photo(7001);
        raw.send("d-first", TestPairs.event("d-first", "it", "the original picture", image));
        awaitCurated("d-first");
        raw.send("d-copy", TestPairs.event("d-copy", "it", "a different caption, same bytes", image));

        PairRejected r = awaitRejected("d-copy");
        assertThat(r.reasons()).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(r.detail()).contains("d-first");
    }

    @Test
    void nearDuplicateWithTheSameCaptionIsRejectedButNotWithAnother() {
        BufferedImage photo = TestImages.photo(260, 240, 8001);
        raw.send("n-first", TestPairs.event("n-first", "it", "A red kite over the dunes", TestImages.png(photo)));
        awaitCurated("n-first");
        byte[] touched = TestImages.jpg(TestImages.copyWithPixel(photo, 50, 60, 0x00ff00));
        raw.send("n-near", TestPairs.event("n-near", "it", "a RED kite   over the dunes", touched));
        byte[] touchedElsewhere = TestImages.jpg(TestImages.copyWithPixel(photo, 70, 80, 0x0000ff));
        raw.send("n-other-caption", TestPairs.event("n-other-caption", "it", "a kite, seen from the beach", touchedElsewhere));

        PairRejected r = awaitRejected("n-near");
        assertThat(r.reasons()).containsExactly(ReasonCode.DUPLICATE_NEAR);
        assertThat(r.detail()).contains("n-first");
        awaitCurated("n-other-caption");
    }

    @Test
    void healthAndMetricsAreServed() {
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("object-store")));
        raw.send("m-1", TestPairs.event("m-1", "it", "a picture for the metrics", photo(9001)));
        awaitCurated("m-1");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("clipstream_curator_pairs_in_total"))
                .body(containsString("clipstream_curator_pairs_curated_total"))
                .body(containsString("clipstream_curator_rejections_total{reason=\"IMAGE_BLURRY\""))
                .body(containsString("clipstream_curator_latency_seconds"))
                .body(containsString("clipstream_curator_store_put_seconds_count{kind=\"image\""));
    }
}
