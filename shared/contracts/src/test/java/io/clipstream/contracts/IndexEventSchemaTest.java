package io.clipstream.contracts;

import static io.clipstream.contracts.EventSchemaTest.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.contracts.IndexEvent.State;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** index.events against its JSON Schema. */
class IndexEventSchemaTest {
    private static final Instant T = Instant.parse("2026-12-02T09:00:00Z");

    static IndexEvent event(State state) {
        return new IndexEvent(
                IndexEvent.SCHEMA_VERSION,
                "tiny",
                "tiny-v3-20261202T090000",
                state,
                3,
                2,
                "lucene",
                state == State.REINDEX_STARTED ? 0 : 41_200,
                100_000L,
                state == State.REINDEX_STARTED ? 0 : 812.5,
                state == State.PROGRESS ? 72.4 : null,
                state == State.REINDEX_STARTED ? 0 : 50.7,
                "champion",
                state == State.FAILED
                        ? "java.io.IOException: version 3: adapter_model.safetensors does not match its sha256"
                        : null,
                T);
    }

    @ParameterizedTest
    @EnumSource(State.class)
    void validatesAndRoundTripsInEveryState(State state) throws Exception {
        IndexEvent e = event(state);
        assertThat(validate("IndexEvent", e)).isEmpty();
        assertThat(Json.read(Json.write(e), IndexEvent.class)).isEqualTo(e);
        var serde = EventSerdes.indexEvent();
        assertThat(serde.deserializer()
                        .deserialize(Topics.INDEX_EVENTS, serde.serializer().serialize(Topics.INDEX_EVENTS, e)))
                .isEqualTo(e);
    }

    @Test
    void aFirstIndexOfTheBaseHasNoLiveVersionAndNoTotal() throws Exception {
        IndexEvent first = new IndexEvent(
                1, "tiny", "b", State.REINDEX_STARTED, 0, null, "lucene", 0, null, 0, null, 0, "first index", null, T);
        assertThat(validate("IndexEvent", first)).isEmpty();
    }

    @Test
    void aFailureNeedsItsErrorAndNamesAreChecked() throws Exception {
        IndexEvent f = event(State.FAILED);
        IndexEvent noError = new IndexEvent(
                1,
                f.model(),
                f.buildId(),
                f.state(),
                f.version(),
                f.liveVersion(),
                f.backend(),
                f.indexed(),
                f.total(),
                f.pairsPerSecond(),
                f.etaSeconds(),
                f.durationSeconds(),
                f.reason(),
                null,
                f.at());
        assertThat(validate("IndexEvent", noError)).isNotEmpty();
        IndexEvent badModel = new IndexEvent(
                1, "Tiny/1", f.buildId(), State.PROGRESS, 1, null, "lucene", 1, null, 1, null, 1, null, null, T);
        assertThat(validate("IndexEvent", badModel)).isNotEmpty();
        IndexEvent longError = new IndexEvent(
                1,
                f.model(),
                f.buildId(),
                f.state(),
                f.version(),
                f.liveVersion(),
                f.backend(),
                f.indexed(),
                f.total(),
                f.pairsPerSecond(),
                f.etaSeconds(),
                f.durationSeconds(),
                f.reason(),
                "e".repeat(10_000),
                f.at());
        assertThat(longError.error()).hasSize(IndexEvent.MAX_ERROR_CHARS + 3);
        assertThat(validate("IndexEvent", longError)).isEmpty();
        assertThatThrownBy(() -> new IndexEvent(
                        1, "tiny", "b", State.PROGRESS, -1, null, "lucene", 0, null, 0, null, 0, null, null, T))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
