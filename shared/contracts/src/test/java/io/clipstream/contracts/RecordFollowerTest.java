package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordFollowerTest {

    @Test
    void healthIsFailingWhenStoppedOrFailingInARow() {
        assertThat(new RecordFollower.Health("f", false, 0, 3, "x").failing()).isFalse();
        assertThat(new RecordFollower.Health("f", false, RecordFollower.FAILING_AFTER, 9, "x").failing())
                .isTrue();
        assertThat(new RecordFollower.Health("f", true, 0, 0, null).failing()).isTrue();
    }
}
