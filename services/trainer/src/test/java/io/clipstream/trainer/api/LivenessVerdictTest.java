package io.clipstream.trainer.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.trainer.ledger.CuratedFeed;
import io.clipstream.trainer.run.FailedChecks;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LivenessVerdictTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration MAX_DOWN = Duration.ofMinutes(5);
    private static final CuratedFeed.Health READING = new CuratedFeed.Health(0, null, null, false);

    private static LivenessVerdict verdict(FailedChecks checks, CuratedFeed.Health feed) {
        return LivenessVerdict.of(checks.snapshot(), feed, NOW, MAX_DOWN);
    }

    @Test
    void failedChecksTurnItDownAtTheMaxAndAPassedCheckUpAgain() {
        FailedChecks checks = new FailedChecks(3);
        assertThat(verdict(checks, READING).up()).isTrue();
        checks.failed(new NullPointerException("domain is null"));
        assertThat(checks.failed(new NullPointerException("domain is null"))).isEqualTo(2);
        LivenessVerdict two = verdict(checks, READING);
        assertThat(two.up()).isTrue();
        assertThat(two.data())
                .containsEntry("consecutiveFailedChecks", 2)
                .containsEntry("feedRestarts", 0)
                .doesNotContainKey("checks");

        checks.failed(new IllegalStateException("still broken"));
        LivenessVerdict three = verdict(checks, READING);
        assertThat(three.up()).isFalse();
        assertThat(three.data()).containsEntry("consecutiveFailedChecks", 3);
        assertThat((String) three.data().get("checks"))
                .contains("3 trigger checks failed in a row")
                .contains("IllegalStateException: still broken");

        assertThat(checks.passed()).isEqualTo(3);
        LivenessVerdict again = verdict(checks, READING);
        assertThat(again.up()).isTrue();
        assertThat(again.data()).containsEntry("consecutiveFailedChecks", 0);
        checks.failed(new RuntimeException("once"));
        assertThat(verdict(checks, READING).up())
                .as("the count starts again after a passed check")
                .isTrue();
    }

    @Test
    void aFeedThatRestartsIsLiveUntilItHasNotReadForMaxDown() {
        FailedChecks checks = new FailedChecks(20);
        CuratedFeed.Health restarting =
                new CuratedFeed.Health(4, NOW.minus(MAX_DOWN).plusSeconds(1), "TimeoutException: no broker", false);
        LivenessVerdict v = verdict(checks, restarting);
        assertThat(v.up()).isTrue();
        assertThat(v.data()).containsEntry("feedRestarts", 4);

        CuratedFeed.Health tooLong =
                new CuratedFeed.Health(9, NOW.minus(MAX_DOWN), "TimeoutException: no broker", false);
        LivenessVerdict down = verdict(checks, tooLong);
        assertThat(down.up()).isFalse();
        assertThat((String) down.data().get("feed"))
                .contains("has not read since")
                .contains("TimeoutException: no broker");

        LivenessVerdict ended = verdict(checks, new CuratedFeed.Health(0, null, null, true));
        assertThat(ended.up()).isFalse();
        assertThat((String) ended.data().get("feed")).contains("thread ended");
    }
}
