package io.clipstream.trainer.run;

import io.clipstream.contracts.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a run starts: by count (N pairs wait), by time (T since the last run, with at least M waiting), or by hand
 * (an operator asked; at least one pair must wait, or the run would have nothing to learn).
 */
public record Triggers(int count, Duration interval, int minPairs) {

    /**
     * @param waiting   pairs no finished run has taken
     * @param lastRunAt when the last run finished (or the trainer started, before the first)
     * @param manual    an operator asked for a run
     */
    public Optional<TrainingRun.Trigger> decide(int waiting, Instant lastRunAt, Instant now, boolean manual) {
        if (waiting <= 0) {
            return Optional.empty();
        }
        if (manual) {
            return Optional.of(TrainingRun.Trigger.MANUAL);
        }
        if (waiting >= count) {
            return Optional.of(TrainingRun.Trigger.COUNT);
        }
        if (waiting >= minPairs && !now.isBefore(lastRunAt.plus(interval))) {
            return Optional.of(TrainingRun.Trigger.TIME);
        }
        return Optional.empty();
    }
}
