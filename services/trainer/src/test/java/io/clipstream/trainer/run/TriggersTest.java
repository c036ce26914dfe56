package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.TrainingRun.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggersTest {
    final Triggers t = new Triggers(100, Duration.ofMinutes(10), 20);
    final Instant last = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void countTimeAndHandEachStartARun() {
        assertThat(t.decide(100, last, last.plusSeconds(1), false)).contains(Trigger.COUNT);
        assertThat(t.decide(99, last, last.plusSeconds(1), false)).isEmpty();
        assertThat(t.decide(20, last, last.plus(Duration.ofMinutes(10)), false)).contains(Trigger.TIME);
        assertThat(t.decide(19, last, last.plus(Duration.ofHours(5)), false)).isEmpty();
        assertThat(t.decide(1, last, last, true)).contains(Trigger.MANUAL);
    }

    @Test
    void nothingWaitingStartsNothingEvenByHand() {
        assertThat(t.decide(0, last, last.plus(Duration.ofDays(1)), true)).isEmpty();
    }

    @Test
    void classLabelsComeFromTheOneClassACaptionNames() {
        List<String> classes = List.of("t-shirt", "shirt", "ankle boot", "bag");
        assertThat(Materialiser.ClassLabels.find("A photo of my ankle boot.", classes))
                .isEqualTo("ankle boot");
        assertThat(Materialiser.ClassLabels.find("a bag", classes)).isEqualTo("bag");
        assertThat(Materialiser.ClassLabels.find("a shirt and a bag", classes)).isNull(); // two classes
        assertThat(Materialiser.ClassLabels.find("a t-shirt", classes))
                .isNull(); // "t shirt" names shirt too: ambiguous
        assertThat(Materialiser.ClassLabels.find("a baggy coat", classes)).isNull(); // whole words only
    }
}
