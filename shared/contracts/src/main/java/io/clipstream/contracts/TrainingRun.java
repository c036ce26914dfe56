package io.clipstream.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One event in the life of a training run ({@code training.runs}, key = runId). A run announces
 * {@link State#STARTED}, then {@link State#PROGRESS} as it trains, {@link State#EVALUATING} while the
 * evaluation gate scores the candidate, and ends with exactly one terminal event:
 * {@link State#PROMOTED} (a new version is on {@code model.versions}), {@link State#REJECTED} (the gate
 * kept the champion) or {@link State#FAILED}. Each event carries everything known about the run so
 * far, so the last event of a run is its whole story.
 *
 * @param model          the model being trained, the key of {@code model.versions}
 * @param trigger        why the run started
 * @param attempt        which try this is at training the same data: 1 first, counting on for a
 *                       run triggered by {@link Trigger#RETRY}
 * @param device         where it trains ({@code cpu}, {@code cuda:0}, ...); null until known
 * @param progress       where training stands; required on PROGRESS events, null before the first step
 * @param metrics        the candidate's evaluation, domain -> metric -> value, e.g.
 *                       {@code {"fashion": {"i2t_r1": 0.4, "t2i_r1": 0.38, "zero_shot": 0.7}}};
 *                       values are plain numbers (losses included), empty before evaluation
 * @param reasons        the gate's reasons for its decision, empty before it decided
 * @param skipped        pairs left out of the training set, at most {@link #MAX_SKIPPED_LISTED} listed
 * @param version        the version published; required on PROMOTED events, null otherwise
 * @param pairsPerDomain how many pairs of each domain the run trains on
 * @param timings        seconds per phase, once the run has ended (null before)
 * @param error          why the run failed, bounded to {@link #MAX_ERROR_CHARS}; required on FAILED events
 * @param at             when this event was written
 */
public record TrainingRun(
        int schemaVersion,
        String runId,
        String model,
        State state,
        Trigger trigger,
        int attempt,
        String device,
        Progress progress,
        Map<String, Map<String, Double>> metrics,
        List<String> reasons,
        List<SkippedPair> skipped,
        Integer version,
        Map<String, Integer> pairsPerDomain,
        Timings timings,
        String error,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;
    /** Longest {@code error} text kept; exception messages can quote whole payloads. */
    public static final int MAX_ERROR_CHARS = 2000;
    /** Most skipped pairs listed on one event; a broken bucket would otherwise make it unbounded. */
    public static final int MAX_SKIPPED_LISTED = 100;

    public TrainingRun {
        metrics = Copies.metrics(metrics);
        reasons = Copies.list(reasons);
        skipped = Copies.first(skipped, MAX_SKIPPED_LISTED);
        pairsPerDomain = Copies.map(pairsPerDomain);
        error = Copies.bounded(error, MAX_ERROR_CHARS);
    }

    /** Where a run stands. */
    public enum State {
        STARTED,
        PROGRESS,
        EVALUATING,
        PROMOTED,
        REJECTED,
        FAILED;

        /** Whether this is the last event of a run. */
        public boolean terminal() {
            return this == PROMOTED || this == REJECTED || this == FAILED;
        }
    }

    /** Why a run started. */
    public enum Trigger {
        /** Enough new curated pairs arrived. */
        COUNT,
        /** The longest wait between runs passed with some new pairs. */
        TIME,
        /** An operator asked for it. */
        MANUAL,
        /** A failed run is tried again. */
        RETRY
    }

    /**
     * Training progress at the latest step.
     *
     * @param loss         the training loss of the latest step (or a running mean of recent ones)
     * @param etaSeconds   estimated seconds until training (not evaluation) ends
     * @param precision    {@code fp32} or {@code fp16-mixed}; null from trainers that predate the setting
     * @param lossScale    the dynamic loss scale after the latest step (1 in fp32); null when not reported
     * @param skippedSteps steps skipped so far because their loss or gradients were not finite (in fp16-mixed: an
     *                     overflow, after which the loss scale halves); null when not reported
     */
    public record Progress(
            int step,
            int totalSteps,
            double loss,
            double samplesPerSecond,
            double etaSeconds,
            String precision,
            Double lossScale,
            Integer skippedSteps) {

        /** Progress without the precision fields (as trainers wrote it before they existed). */
        public Progress(int step, int totalSteps, double loss, double samplesPerSecond, double etaSeconds) {
            this(step, totalSteps, loss, samplesPerSecond, etaSeconds, null, null, null);
        }
    }

    /**
     * A curated pair the run could not use.
     *
     * @param reason a short code: {@code OBJECT_MISSING}, {@code IMAGE_UNREADABLE}, {@code TEXT_UNREADABLE}, ...
     */
    public record SkippedPair(String sha256, String pairId, String reason) {}

    /**
     * Seconds spent in each phase of a run: reading the pairs from object storage into a training set,
     * training, evaluating (the gate, WiSE-FT mixes included) and publishing the version.
     */
    public record Timings(
            double materialiseSeconds, double trainSeconds, double evaluateSeconds, double publishSeconds) {

        public double totalSeconds() {
            return materialiseSeconds + trainSeconds + evaluateSeconds + publishSeconds;
        }
    }
}
