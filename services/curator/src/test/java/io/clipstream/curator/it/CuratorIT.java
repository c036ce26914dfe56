package io.clipstream.curator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.image.HostileImages;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Inject
    KafkaStreams streams;

    @BeforeAll
    static void clients() {
        Infra infra = Infra.shared();
        // the app created the topics at startup
        raw = new RawProducer(infra.kafkaClientConfig(), "it.pairs.raw");
        out = new OutputTopics(infra.kafkaClientConfig(), "it.pairs.curated", "it.pairs.rejected");
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
        events.put(
                "r-truncated",
                TestPairs.event("r-truncated", "it", caption, TestImages.truncated(TestImages.png(sharp), 0.5)));
        expected.put("r-truncated", ReasonCode.IMAGE_CORRUPT);
        events.put("r-heic", TestPairs.event("r-heic", "it", caption, TestImages.heicHeader()));
        expected.put("r-heic", ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        events.put("r-bomb", TestPairs.event("r-bomb", "it", caption, TestImages.pngClaiming(50_000, 50_000)));
        expected.put("r-bomb", ReasonCode.IMAGE_DECOMPRESSION_BOMB);
        events.put("r-tiny", TestPairs.event("r-tiny", "it", caption, TestImages.png(TestImages.photo(1, 1, 1))));
        expected.put("r-tiny", ReasonCode.IMAGE_TOO_SMALL);
        events.put(
                "r-aspect",
                TestPairs.event("r-aspect", "it", caption, TestImages.png(TestImages.photo(900, 250, 5003))));
        expected.put("r-aspect", ReasonCode.IMAGE_EXTREME_ASPECT_RATIO);
        events.put(
                "r-blank",
                TestPairs.event(
                        "r-blank", "it", caption, TestImages.png(TestImages.blank(300, 300, Color.LIGHT_GRAY))));
        expected.put("r-blank", ReasonCode.IMAGE_BLURRY);
        events.put(
                "r-blurred",
                TestPairs.event(
                        "r-blurred",
                        "it",
                        caption,
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

        events.put("r-domain-bad", TestPairs.eventIn("r-domain-bad", "it", "x/../y", caption, photo(5010)));
        expected.put("r-domain-bad", ReasonCode.DOMAIN_INVALID);
        events.put("r-domain-base", TestPairs.eventIn("r-domain-base", "it", "base", caption, photo(5011)));
        expected.put("r-domain-base", ReasonCode.DOMAIN_NOT_ALLOWED);
        events.put("r-domain-stranger", TestPairs.event("r-domain-stranger", "stranger", caption, photo(5012)));
        expected.put("r-domain-stranger", ReasonCode.DOMAIN_NOT_ALLOWED);
        events.put("r-domain-none", TestPairs.eventIn("r-domain-none", "it", null, caption, photo(5013)));

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
        assertThat(awaitCurated("r-domain-none").domain()).isEqualTo("it");
        PairCurated good = awaitCurated("r-good-after");
        assertThat(store.exists(good.imageKey())).isTrue();

        Set<ReasonCode> covered =
                expected.values().stream().collect(Collectors.toCollection(() -> EnumSet.noneOf(ReasonCode.class)));
        // see the tests below
        covered.addAll(EnumSet.of(
                ReasonCode.DUPLICATE_EXACT,
                ReasonCode.DUPLICATE_NEAR,
                ReasonCode.FIELD_TOO_LONG,
                ReasonCode.PAIR_ID_CONFLICT,
                ReasonCode.IMAGE_REF_INVALID,
                ReasonCode.IMAGE_UNREADABLE));
        Set<ReasonCode> curatorCodes = EnumSet.noneOf(ReasonCode.class);
        for (ReasonCode c : ReasonCode.values()) {
            if (c.stage() == ReasonCode.Stage.CURATOR && c != ReasonCode.LOW_ALIGNMENT) {
                curatorCodes.add(c);
            }
        }
        assertThat(covered).containsAll(curatorCodes);
    }

    private static byte[] rawJson(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> streamThreads(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::threadName)
                .collect(Collectors.toSet());
    }

    /**
     * Records that used to kill the stream thread for ever (it died, was replaced, replayed the same
     * record and died again): each is rejected with its reason, a valid pair behind them is curated
     * within 30 s, and the stream thread was never replaced.
     */
    @Test
    void hostileRecordsAreRejectedAndNeverStopTheStream() {
        HostileImages.ErrorThrowingDecoder.install();
        Set<String> threadsBefore = streamThreads(streams);
        String caption = "a red kite over the dunes";
        Map<String, byte[]> events = new LinkedHashMap<>();
        Map<String, ReasonCode> expected = new LinkedHashMap<>();
        events.put("h-bmp", TestPairs.event("h-bmp", "it", caption, HostileImages.bmpWithEmbeddedPng()));
        expected.put("h-bmp", ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        events.put("h-dotdot", TestPairs.eventWithUri("h-dotdot", "it", caption, "s3://curator-it/a/../b"));
        expected.put("h-dotdot", ReasonCode.IMAGE_REF_INVALID);
        events.put(
                "h-long-key",
                TestPairs.eventWithUri(
                        "h-long-key", "it", caption, "s3://curator-it/inbox/it/" + "k".repeat(1_100) + ".png"));
        expected.put("h-long-key", ReasonCode.IMAGE_REF_INVALID);
        String hugeId = "h-" + "x".repeat(70_000);
        events.put(hugeId, TestPairs.event(hugeId, "it", caption, photo(4001)));
        expected.put(hugeId.substring(0, 256) + "...", ReasonCode.FIELD_TOO_LONG); // echoed, bounded
        events.put("h-error", TestPairs.event("h-error", "it", caption, HostileImages.forErrorThrowingDecoder()));
        expected.put("h-error", ReasonCode.IMAGE_UNREADABLE);
        events.put("h-scans", TestPairs.event("h-scans", "it", caption, HostileImages.progressiveJpegWithScans(5_000)));
        expected.put("h-scans", ReasonCode.IMAGE_DECOMPRESSION_BOMB);
        String body = ",\"pairId\":\"%s\",\"source\":\"it\",\"text\":\"" + caption + "\",\"imageBase64\":\""
                + java.util.Base64.getEncoder().encodeToString(photo(4002)) + "\"}";
        events.put("h-v0", rawJson("{\"schemaVersion\":0" + body.formatted("h-v0")));
        expected.put("h-v0", ReasonCode.MALFORMED_EVENT);
        events.put("h-v99", rawJson("{\"schemaVersion\":99" + body.formatted("h-v99")));
        expected.put("h-v99", ReasonCode.MALFORMED_EVENT);
        events.put("h-vnone", rawJson("{\"domain\":\"it\"" + body.formatted("h-vnone")));
        expected.put("h-vnone", ReasonCode.MALFORMED_EVENT);

        raw.send("h-conflict", TestPairs.event("h-conflict", "it", caption, photo(4003)));
        awaitCurated("h-conflict");
        events.forEach(raw::send);
        raw.send("h-conflict", TestPairs.event("h-conflict", "it", caption, photo(4004)));
        raw.send("h-good-after", TestPairs.event("h-good-after", "it", caption, photo(4005)));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            out.poll();
            return out.curated("h-good-after").isPresent();
        });
        for (var e : expected.entrySet()) {
            PairRejected r = awaitRejected(e.getKey());
            assertThat(r.reasons())
                    .as(e.getKey().substring(0, Math.min(12, e.getKey().length())) + ": " + r.detail())
                    .containsExactly(e.getValue());
        }
        assertThat(out.rejected("h-conflict"))
                .hasValueSatisfying(r -> assertThat(r.reasons()).containsExactly(ReasonCode.PAIR_ID_CONFLICT));
        assertThat(streamThreads(streams)).as("the same stream thread runs").isEqualTo(threadsBefore);
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("clipstream_curator_stream_thread_replacements_total(\\{[^}]*})? 0(\\.0)?\n");
    }

    @Test
    void webpAndCmykJpegAreCuratedInTheService() throws Exception {
        for (String name : List.of("photo-160x120.webp", "cmyk-160x120.jpg")) {
            byte[] bytes;
            try (var in = CuratorIT.class.getResourceAsStream("/images/" + name)) {
                bytes = in.readAllBytes();
            }
            raw.send("f-" + name, TestPairs.event("f-" + name, "it-formats", "the same photo as " + name, bytes));
            PairCurated c = awaitCurated("f-" + name);
            assertThat(c.imageFormat()).isEqualTo(name.endsWith(".webp") ? "webp" : "jpg");
            assertThat(c.width()).isEqualTo(160);
        }
    }

    @Test
    void claimCheckImagesAreReadFromTheProducersInboxAfterAHead() {
        byte[] image = photo(4101);
        store.put("inbox/it/kite.png", image, "image/png");
        raw.send(
                "u-ok",
                TestPairs.eventWithUri("u-ok", "it", "a kite from the inbox", "s3://curator-it/inbox/it/kite.png"));
        assertThat(awaitCurated("u-ok").sha256()).isEqualTo(ContentAddress.sha256Hex(image));

        store.put("inbox/it-tight/big.png", photo(4102), "image/png");
        raw.send(
                "u-big",
                TestPairs.eventWithUri(
                        "u-big", "it-tight", "a kite too large", "s3://curator-it/inbox/it-tight/big.png"));
        PairRejected big = awaitRejected("u-big");
        assertThat(big.reasons()).containsExactly(ReasonCode.IMAGE_TOO_MANY_BYTES);
        assertThat(big.detail()).contains("not read");

        raw.send(
                "u-theirs",
                TestPairs.eventWithUri(
                        "u-theirs", "other", "a kite of someone else", "s3://curator-it/inbox/it/kite.png"));
        assertThat(awaitRejected("u-theirs").reasons()).containsExactly(ReasonCode.IMAGE_REF_INVALID);
        raw.send(
                "u-absent",
                TestPairs.eventWithUri("u-absent", "it", "a kite not uploaded", "s3://curator-it/inbox/it/none.png"));
        assertThat(awaitRejected("u-absent").reasons()).containsExactly(ReasonCode.IMAGE_MISSING);
    }

    @Test
    void acceptedPairsHaveTheirImageAndTextInObjectStorage() {
        byte[] image = photo(6001);
        raw.send("s-1", TestPairs.event("s-1", "it", "  A <b>bright</b>   kite &amp; a beach ", image));
        PairCurated c = awaitCurated("s-1");

        String sha = ContentAddress.sha256Hex(image);
        assertThat(c.sha256()).isEqualTo(sha);
        assertThat(c.imageKey()).isEqualTo(ContentAddress.imageKey(sha, "png"));
        assertThat(c.textKey()).isEqualTo(ContentAddress.textKey("it", sha));
        assertThat(c.text()).isEqualTo("A bright kite & a beach");
        assertThat(c.width()).isEqualTo(240);
        assertThat(c.height()).isEqualTo(220);
        assertThat(c.perceptualHash()).matches("[0-9a-f]{16}");
        assertThat(c.quality()).containsKey("sharpness");
        assertThat(out.curated().stream()
                        .filter(r -> "s-1".equals(r.value().pairId()))
                        .findFirst()
                        .orElseThrow()
                        .key())
                .as("the catalogue key: producer and image")
                .isEqualTo("it/" + sha);

        assertThat(store.get(c.imageKey()))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(image));
        @SuppressWarnings("unchecked")
        Map<String, Object> text = Json.read(store.get(c.textKey()).orElseThrow(), Map.class);
        assertThat(text)
                .containsEntry("pairId", "s-1")
                .containsEntry("text", "A bright kite & a beach")
                .containsEntry("sha256", sha)
                .containsEntry("width", 240)
                .containsEntry("height", 220)
                .containsEntry("perceptualHash", c.perceptualHash())
                .containsEntry("source", "it");
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
        raw.send(
                "n-other-caption",
                TestPairs.event("n-other-caption", "it", "a kite, seen from the beach", touchedElsewhere));

        PairRejected r = awaitRejected("n-near");
        assertThat(r.reasons()).containsExactly(ReasonCode.DUPLICATE_NEAR);
        assertThat(r.detail()).contains("n-first");
        awaitCurated("n-other-caption");
    }

    @Test
    void healthAndMetricsAreServed() {
        await().atMost(WAIT)
                .untilAsserted(() ->
                        given().get("/q/health/ready").then().statusCode(200).body(containsString("object-store")));
        given().get("/q/health/live").then().statusCode(200).body(containsString("store-stage"));
        raw.send("m-1", TestPairs.event("m-1", "it", "a picture for the metrics", photo(9001)));
        awaitCurated("m-1");
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("clipstream_curator_pairs_in_total"))
                .body(containsString("clipstream_curator_pairs_curated_total"))
                .body(containsString("clipstream_curator_rejections_total{reason=\"IMAGE_BLURRY\""))
                .body(containsString("clipstream_curator_latency_seconds"))
                .body(containsString("clipstream_curator_store_put_seconds_count{kind=\"image\""));
    }
}
