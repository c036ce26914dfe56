package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void doublesUpToItsCap() {
        Duration d = b.first();
        StringBuilder seen = new StringBuilder(String.valueOf(d.toSeconds()));
        for (int i = 0; i < 6; i++) {
            d = b.after(d);
            seen.append(' ').append(d.toSeconds());
        }
        assertThat(seen.toString()).isEqualTo("1 2 4 8 16 30 30");
    }

    @Test
    void theWaitAfterNFailuresIsTheSameSeries() {
        assertThat(b.afterFailures(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.afterFailures(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.afterFailures(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(b.afterFailures(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.afterFailures(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void refusesAnEmptyOrInvertedRange() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
