package io.clipstream.curator.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.DomainCatalogue;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.storage.ContentAddress;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PairInspectorTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final RawRecord RAW = new RawRecord("pairs.raw", 2, 41);
    private static final QualityProfile D = QualityProfile.defaults();
    private static final QualityProfiles PROFILES = new QualityProfiles(
            D,
            List.of(new QualityProfiles.Named(
                    new QualityProfile(
                            "fashion-mnist",
                            D.maxImageBytes(),
                            D.maxPixels(),
                            28,
                            D.maxAspectRatio(),
                            100,
                            D.minTextChars(),
                            D.maxTextChars(),
                            D.minLetterRatio(),
                            0),
                    List.of("fashion-mnist"),
                    List.of())));
    private static final DomainCatalogue DOMAINS = new DomainCatalogue(
            "original",
            Map.of(
                    "web", new DomainCatalogue.Producer(Optional.of("photos"), List.of("photos", "web.*")),
                    "fashion-mnist", new DomainCatalogue.Producer(Optional.of("original"), List.of("original", "*"))));
    private final PairInspector inspector = new PairInspector(
            PROFILES, DOMAINS, ImageSource.NONE, DecodeLimits.DEFAULTS, 256, Clock.fixed(NOW, ZoneOffset.UTC));

    private static byte[] event(String pairId, String source, String text, byte[] image) {
        return event(pairId, source, "photos", text, image);
    }

    private static byte[] event(String pairId, String source, String domain, String text, byte[] image) {
        return Json.write(PairSubmitted.of(
                pairId,
                source,
                domain,
                text,
                image == null ? null : Base64.getEncoder().encodeToString(image),
                null,
                Map.of(),
                NOW.minusSeconds(5)));
    }

    /** Keyed by the event's pairId, as the gateway writes pairs.raw; "k" when there is none. */
    private Verdict inspect(byte[] value) {
        String key = "k";
        try {
            String pairId = Json.read(value, PairSubmitted.class).pairId();
            key = pairId == null ? key : pairId;
        } catch (RuntimeException unreadable) {
            // keep "k"
        }
        return inspector.inspect(key.getBytes(StandardCharsets.UTF_8), value, RAW);
    }

    @Test
    void goodPairBecomesACandidate() {
        byte[] png = TestImages.png(TestImages.photo(300, 240, 31));
        Verdict v = inspect(event("p1", "web", " A <b>red</b> kite over a beach ", png));

        assertThat(v.rejected()).isFalse();
        Candidate c = v.candidate();
        assertThat(c.pairId()).isEqualTo("p1");
        assertThat(c.text()).isEqualTo("A red kite over a beach");
        assertThat(c.captionKey()).isEqualTo("a red kite over a beach");
        assertThat(c.sha256()).isEqualTo(ContentAddress.sha256Hex(png));
        assertThat(c.perceptualHash()).matches("[0-9a-f]{16}");
        assertThat(c.imageFormat()).isEqualTo("png");
        assertThat(c.profile()).isEqualTo("default");
        assertThat(c.rawPartition()).isEqualTo(2);
        assertThat(c.rawOffset()).isEqualTo(41);
    }

    @Test
    void unreadableRecordsAreMalformedAndKeepTheirKey() {
        Verdict v = inspect("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(v.rejection().reasons()).containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(v.rejection().pairId()).isEqualTo("k");
        assertThat(v.rejection().rawTopic()).isEqualTo("pairs.raw");
        assertThat(v.rejection().rawOffset()).isEqualTo(41);
        assertThat(v.rejection().rejectedAt()).isEqualTo(NOW);

        assertThat(inspect(null).rejection().reasons()).containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(inspect("[1,2]".getBytes(StandardCharsets.UTF_8)).rejection().reasons())
                .containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(inspect("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8))
                        .rejection()
                        .detail())
                .contains("pairId");
    }

    @Test
    void imageAndTextReasonsAreReportedTogether() {
        byte[] blank = TestImages.png(TestImages.blank(300, 300, Color.WHITE));
        Verdict v = inspect(event("p2", "web", "   ", blank));
        assertThat(v.rejection().reasons()).containsExactly(ReasonCode.IMAGE_BLURRY, ReasonCode.TEXT_EMPTY);
        assertThat(v.rejection().detail()).contains("sharpness").contains("empty");
        assertThat(v.rejection().pairId()).isEqualTo("p2");
        assertThat(v.rejection().source()).isEqualTo("web");
    }

    @Test
    void missingOrUndecodableImage() {
        assertThat(inspect(event("p3", "web", "a red kite", null)).rejection().reasons())
                .containsExactly(ReasonCode.IMAGE_MISSING);
        byte[] badBase64 =
                Json.write(PairSubmitted.of("p4", "web", null, "a red kite", "***not base64***", null, Map.of(), NOW));
        assertThat(inspect(badBase64).rejection().reasons()).containsExactly(ReasonCode.IMAGE_CORRUPT);
    }

    @Test
    void imageReferencesOutsideTheProducersInboxAreInvalidAndNeverFetched() {
        // ImageSource.NONE throws if asked: every one of these is refused before any fetch
        for (String uri : List.of(
                "https://example.com/a.png",
                "s3://clipstream/a/../b",
                "s3:///inbox/web/a.png",
                "s3://x/inbox/web/" + "k".repeat(1100))) {
            byte[] event = Json.write(PairSubmitted.of("p5", "web", null, "a red kite", null, uri, Map.of(), NOW));
            assertThat(inspect(event).rejection().reasons()).as(uri).containsExactly(ReasonCode.IMAGE_REF_INVALID);
        }
    }

    @Test
    void schemaVersionsOtherThanOneAreMalformed() {
        for (String version : List.of("\"schemaVersion\":0,", "\"schemaVersion\":99,", "")) {
            byte[] value = ("{" + version + "\"pairId\":\"v1\",\"source\":\"web\",\"text\":\"a red kite\"}")
                    .getBytes(StandardCharsets.UTF_8);
            Verdict v = inspect(value);
            assertThat(v.rejection().reasons()).as(version).containsExactly(ReasonCode.MALFORMED_EVENT);
            assertThat(v.rejection().detail()).contains("schemaVersion");
        }
    }

    @Test
    void overLongIdentifiersAreRefusedWithTheirOwnCodeAndABoundedEcho() {
        String huge = "x".repeat(70_000);
        Verdict v = inspect(event(huge, "web", "a red kite", TestImages.png(TestImages.photo(300, 240, 31))));
        assertThat(v.rejection().reasons()).containsExactly(ReasonCode.FIELD_TOO_LONG);
        assertThat(v.rejection().pairId()).hasSizeLessThan(300);
        assertThat(v.rejection().detail()).contains("pairId");
    }

    @Test
    void theRecordKeyMustBeThePairId() {
        byte[] value = event("p-key", "web", "a red kite", TestImages.png(TestImages.photo(300, 240, 31)));
        Verdict v = inspector.inspect("another-key".getBytes(StandardCharsets.UTF_8), value, RAW);
        assertThat(v.rejection().reasons()).containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(v.rejection().detail()).contains("key");
    }

    @Test
    void sourceSelectsTheFashionMnistProfile() {
        byte[] small = TestImages.png(TestImages.photo(28, 28, 32));
        assertThat(inspect(event("p6", "web", "a t-shirt", small)).rejection().reasons())
                .containsExactly(ReasonCode.IMAGE_TOO_SMALL);
        Verdict fm = inspect(event("p7", "fashion-mnist", "a t-shirt", small));
        assertThat(fm.rejected()).isFalse();
        assertThat(fm.candidate().profile()).isEqualTo("fashion-mnist");
    }

    @Test
    void rejectionDetailNamesTheProfile() {
        byte[] tiny = TestImages.png(TestImages.photo(10, 10, 33));
        assertThat(inspect(event("p8", "fashion-mnist", "a t-shirt", tiny))
                        .rejection()
                        .detail())
                .contains("profile fashion-mnist");
    }

    @Test
    void aPairWithoutDomainIsCuratedIntoItsProducersDefault() {
        byte[] png = TestImages.png(TestImages.photo(300, 240, 34));
        assertThat(inspect(event("p9", "web", null, "a red kite", png))
                        .candidate()
                        .domain())
                .isEqualTo("photos");
        assertThat(inspect(event("p10", "web", "web.kites", "a red kite", png))
                        .candidate()
                        .domain())
                .isEqualTo("web.kites");
    }

    @Test
    void badForeignAndBaseDomainsAreRejectedBeforeTheImageIsLookedAt() {
        byte[] png = TestImages.png(TestImages.photo(300, 240, 35));
        for (String bad : List.of("x/../y", "Photos", "d".repeat(300))) {
            Verdict v = inspect(event("p-bad", "web", bad, "a red kite", png));
            assertThat(v.rejection().reasons()).as(bad).containsExactly(ReasonCode.DOMAIN_INVALID);
            assertThat(v.rejection().domain()).as(bad).hasSizeLessThan(300);
        }
        for (String foreign : List.of("original", "sketch")) {
            Verdict v = inspect(event("p-foreign", "web", foreign, "a red kite", null));
            assertThat(v.rejection().reasons()).as(foreign).containsExactly(ReasonCode.DOMAIN_NOT_ALLOWED);
            assertThat(v.rejection().detail()).as(foreign).doesNotContain("fashion-mnist");
        }
        assertThat(inspect(event("p-stranger", "stranger", null, "a red kite", png))
                        .rejection()
                        .reasons())
                .containsExactly(ReasonCode.DOMAIN_NOT_ALLOWED);
        assertThat(inspect(event("p-owner", "fashion-mnist", "original", "a t-shirt", png))
                        .rejected())
                .isFalse();
    }
}
