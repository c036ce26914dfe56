package io.clipstream.curator.curation;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.image.DecodeLimits;
import io.clipstream.storage.ContentAddress;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PairInspectorTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final RawRecord RAW = new RawRecord("pairs.raw", 2, 41);
    private static final QualityProfile D = QualityProfile.defaults();
    private static final QualityProfiles PROFILES = new QualityProfiles(D, List.of(new QualityProfiles.Named(
            new QualityProfile("fashion-mnist", D.maxImageBytes(), D.maxPixels(), 28, D.maxAspectRatio(), 100,
                    D.minTextChars(), D.maxTextChars(), D.minLetterRatio(), 0), List.of("fashion-mnist"), List.of())));
    private final PairInspector inspector = new PairInspector(PROFILES, ImageSource.NONE, DecodeLimits.DEFAULTS, 256,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static byte[] event(String pairId, String source, String text, byte[] image) {
        return Json.write(PairSubmitted.of(pairId, source, "photos", text,
                image == null ? null : Base64.getEncoder().encodeToString(image), null, Map.of(), NOW.minusSeconds(5)));
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
        assertThat(inspect("[1,2]".getBytes(StandardCharsets.UTF_8)).rejection().reasons()).containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(inspect("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8)).rejection().detail()).contains("pairId");
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
        byte[] badBase64 = Json.write(PairSubmitted.of("p4", "web", null, "a red kite", "***not base64***", null,
                Map.of(), NOW));
        assertThat(inspect(badBase64).rejection().reasons()).containsExactly(ReasonCode.IMAGE_CORRUPT);
    }

    @Test
    void imageReferencesOutsideTheProducersInboxAreInvalidAndNeverFetched() {
        // ImageSource.NONE throws if asked: every one of these is refused before any fetch
        for (String uri : List.of("https://example.com/a.png", "s3://clipstream/a/../b",
                "s3:///inbox/web/a.png", "s3://x/inbox/web/" + "k".repeat(1100))) {
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
        assertThat(inspect(event("p8", "fashion-mnist", "a t-shirt", tiny)).rejection().detail())
                .contains("profile fashion-mnist");
    }
}
