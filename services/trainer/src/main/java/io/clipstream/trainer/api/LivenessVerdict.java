package io.clipstream.trainer.api;

import io.clipstream.trainer.ledger.CuratedFeed;
import io.clipstream.trainer.run.FailedChecks;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the trainer is live: not when {@code trigger.max-failed-checks} trigger checks in a row failed (no run
 * would start again), nor when the feed's thread ended or the feed has not read for {@code feed.max-down} since it
 * failed (no pair would arrive again). {@code data} says why, and otherwise how the trainer fares.
 */
public record LivenessVerdict(boolean up, Map<String, Object> data) {

    public static LivenessVerdict of(
            FailedChecks.Snapshot checks, CuratedFeed.Health feed, Instant now, Duration maxDown) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("consecutiveFailedChecks", checks.consecutive());
        data.put("feedRestarts", feed.restarts());
        boolean up = true;
        if (checks.tooMany()) {
            up = false;
            data.put(
                    "checks",
                    checks.consecutive() + " trigger checks failed in a row (max-failed-checks " + checks.max()
                            + "), the last: " + checks.lastCause());
        }
        if (feed.threadEnded()) {
            up = false;
            data.put("feed", "the curated feed's thread ended");
        } else if (feed.downSince() != null && !now.isBefore(feed.downSince().plus(maxDown))) {
            up = false;
            data.put(
                    "feed",
                    "the curated feed has not read since " + feed.downSince() + " (max-down " + maxDown
                            + "), the last failure: " + feed.lastFailure());
        }
        return new LivenessVerdict(up, Map.copyOf(data));
    }
}
