package io.clipstream.continual.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay-scoped distillation relies on the replayed pairs being the leading rows of the batch. */
class ReplayFirstTest {

    @Test
    void replayedItemsMoveToTheFrontInTheirOrderAndTheCountIsReturned() {
        List<String> batch = new ArrayList<>(List.of("new-a", "old-1", "new-b", "old-2", "new-c", "old-3"));
        int r = IncrementTrainer.replayFirst(batch, x -> x.startsWith("old"));
        assertThat(r).isEqualTo(3);
        assertThat(batch).containsExactly("old-1", "old-2", "old-3", "new-a", "new-b", "new-c");
    }

    @Test
    void batchesWithoutReplayAreLeftAsTheyAre() {
        List<String> batch = new ArrayList<>(List.of("new-b", "new-a"));
        assertThat(IncrementTrainer.replayFirst(batch, x -> x.startsWith("old")))
                .isZero();
        assertThat(batch).containsExactly("new-b", "new-a");
    }
}
