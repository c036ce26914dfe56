package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.storage.ContentAddress;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Accepted;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Reason;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Refused;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Result;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CuratedRecordCheckTest {
    private static final String SHA = "ab".repeat(32);

    private static byte[] record(String pairId, String domain, String sha) {
        Instant t = Instant.parse("2026-12-07T10:00:00Z");
        return Json.write(new PairCurated(
                PairCurated.SCHEMA_VERSION,
                pairId,
                "it",
                domain,
                sha,
                ContentAddress.imageKey(SHA, "png"),
                null,
                "png",
                "0000000000000000",
                28,
                28,
                "a photo of a circle.",
                Map.of(),
                t,
                t));
    }

    private static Refused refused(byte[] value) {
        Result r = CuratedRecordCheck.check(value, 2, 17);
        assertThat(r).isInstanceOf(Refused.class);
        return (Refused) r;
    }

    @Test
    void aGoodRecordIsAcceptedWithItsPosition() {
        Result r = CuratedRecordCheck.check(record("p1", "fashion.v2_x-1", SHA), 2, 17);
        assertThat(r).isInstanceOf(Accepted.class);
        assertThat(((Accepted) r).pair())
                .isEqualTo(new PairRef(
                        SHA,
                        "p1",
                        "fashion.v2_x-1",
                        ContentAddress.imageKey(SHA, "png"),
                        "a photo of a circle.",
                        2,
                        17));
    }

    @Test
    void aRecordWithoutDomainOrPairIdMissesAField() {
        Refused noDomain = refused(record("p1", null, SHA));
        assertThat(noDomain.reason()).isEqualTo(Reason.FIELD_MISSING);
        assertThat(noDomain.detail()).isEqualTo("missing domain");
        assertThat(noDomain.pairId()).isEqualTo("p1");

        Refused blankPairId = refused(record("  ", "plain", SHA));
        assertThat(blankPairId.reason()).isEqualTo(Reason.FIELD_MISSING);
        assertThat(blankPairId.detail()).isEqualTo("missing pairId");
        assertThat(blankPairId.pairId()).isNull();

        Refused both = refused(record(null, "", SHA));
        assertThat(both.detail()).isEqualTo("missing pairId, domain");
    }

    @Test
    void aDomainOutsideTheGrammarIsInvalid() {
        Refused climbing = refused(record("p1", "x/../y", SHA));
        assertThat(climbing.reason()).isEqualTo(Reason.DOMAIN_INVALID);
        assertThat(climbing.detail()).startsWith("domain 'x/../y': ");
        assertThat(refused(record("p1", "Upper", SHA)).reason()).isEqualTo(Reason.DOMAIN_INVALID);
        assertThat(refused(record("p1", "a..b", SHA)).reason()).isEqualTo(Reason.DOMAIN_INVALID);

        Refused tooLong = refused(record("p1", "a".repeat(300), SHA));
        assertThat(tooLong.reason()).isEqualTo(Reason.DOMAIN_INVALID);
        assertThat(tooLong.detail())
                .contains("at most 63 characters, not 300")
                .contains("(300 chars)")
                .hasSizeLessThan(250);

        Refused newline = refused(record("p1", "a\nWARN forged log line", SHA));
        assertThat(newline.reason()).isEqualTo(Reason.DOMAIN_INVALID);
        assertThat(newline.detail()).doesNotContain("\n").contains("a?WARN forged log line");
    }

    @Test
    void aSha256ThatIsNotOneIsInvalid() {
        Refused r = refused(record("p1", "plain", "../../etc/passwd"));
        assertThat(r.reason()).isEqualTo(Reason.SHA256_INVALID);
        assertThat(r.pairId()).isEqualTo("p1");
    }

    @Test
    void bytesThatAreNoPairCuratedAreMalformed() {
        for (byte[] garbage : new byte[][] {
            {(byte) 0xff, 0, 1, 2},
            "{\"pairId\": ".getBytes(StandardCharsets.UTF_8),
            "null".getBytes(StandardCharsets.UTF_8),
            "{\"width\": \"wide\"}".getBytes(StandardCharsets.UTF_8),
            null
        }) {
            Refused r = refused(garbage);
            assertThat(r.reason()).isEqualTo(Reason.MALFORMED);
            assertThat(r.pairId()).isNull();
            assertThat(r.detail()).isNotBlank().hasSizeLessThanOrEqualTo(330);
        }
    }
}
