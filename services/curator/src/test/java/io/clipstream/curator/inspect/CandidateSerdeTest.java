package io.clipstream.curator.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CandidateSerdeTest {

    static Candidate candidate(Instant submittedAt, String domain) {
        return new Candidate(
                "p-1",
                "acme",
                domain,
                "default",
                "a red kite \u200C\u05D0",
                "a red kite",
                "ab".repeat(32),
                "0123456789abcdef",
                "png",
                "image/png",
                320,
                240,
                812.5,
                new byte[] {1, 2, 3, (byte) 0xFF},
                submittedAt,
                "pairs.raw",
                2,
                41L);
    }

    @Test
    void roundTripsEveryField() {
        CandidateSerde serde = new CandidateSerde();
        for (Candidate c : new Candidate[] {
            candidate(Instant.parse("2026-12-01T09:00:00.123456789Z"), "photos"), candidate(null, null)
        }) {
            Candidate back =
                    serde.deserializer().deserialize("t", serde.serializer().serialize("t", c));
            assertThat(back).usingRecursiveComparison().isEqualTo(c);
        }
    }

    @Test
    void aForeignFormatIsASerializationError() {
        assertThatThrownBy(() -> CandidateSerde.read(new byte[] {9, 0, 0})).isInstanceOf(SerializationException.class);
    }
}
