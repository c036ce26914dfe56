package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void aBurstIsAdmittedThenTheRateHolds() {
        ClientLimits limits = new ClientLimits(2, 3, 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertThat(limits.tryAdmit("shop").admitted()).isTrue();
            limits.release("shop");
        }
        ClientLimits.Decision refused = limits.tryAdmit("shop");
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(refused.reason()).contains("requests per second");
        now.addAndGet(500_000_000L); // half a second at 2/s: one token back
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
        assertThat(limits.tryAdmit("shop").admitted()).isFalse();
    }

    @Test
    void oneProducerOverItsLimitDoesNotSlowAnother() {
        ClientLimits limits = new ClientLimits(1, 1, 100, now::get);
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
        assertThat(limits.tryAdmit("shop").admitted()).isFalse();
        assertThat(limits.tryAdmit("museum").admitted()).isTrue();
    }

    @Test
    void inFlightRequestsAreCappedAndReleased() {
        ClientLimits limits = new ClientLimits(1000, 1000, 2, now::get);
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
        ClientLimits.Decision third = limits.tryAdmit("shop");
        assertThat(third.admitted()).isFalse();
        assertThat(third.reason()).contains("in flight");
        assertThat(limits.inFlight("shop")).isEqualTo(2);
        limits.release("shop");
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
    }

    @Test
    void aRefusalSpendsNoToken() {
        ClientLimits limits = new ClientLimits(1, 2, 1, now::get);
        assertThat(limits.tryAdmit("shop").admitted()).isTrue();
        assertThat(limits.tryAdmit("shop").admitted()).as("in-flight cap").isFalse();
        limits.release("shop");
        assertThat(limits.tryAdmit("shop").admitted())
                .as("the second token was kept")
                .isTrue();
    }
}
