package io.clipstream.curator.store;

import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.faults.GaveUpException;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.ShuttingDownException;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.DeadLetters;
import io.clipstream.curator.inspect.Verdict;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One accepted pair: its image and text into object storage, then its PairCurated event. Storage
 * failures are retried in place ({@link InPlaceRetry}: the curator pauses while storage is down); a
 * pair whose objects cannot be written in the end becomes a dead letter. The keys are
 * content-addressed, so a retry rewrites nothing. Safe to call from many threads at once.
 */
public final class StoreStep {
    private static final Logger LOG = Logger.getLogger(StoreStep.class);

    private final CuratedObjectWriter writer;
    private final InPlaceRetry retry;
    private final Clock clock;

    public StoreStep(CuratedObjectWriter writer, InPlaceRetry retry, Clock clock) {
        this.writer = writer;
        this.retry = retry;
        this.clock = clock;
    }

    /**
     * @return {@link Verdict.Curated} once both objects are stored, else {@link Verdict.DeadLetter}
     * @throws ShuttingDownException when the curator stops while the pair waits for storage
     */
    public Verdict store(Candidate c) {
        try {
            // our own content-addressed keys: any failure, even a refusal, is the store's, not the pair's
            CuratedObjectWriter.Keys keys = retry.call("store " + c.pairId(), () -> writer.write(c), e -> true);
            return Verdict.curated(new PairCurated(
                    PairCurated.SCHEMA_VERSION,
                    c.pairId(),
                    c.source(),
                    c.domain(),
                    c.sha256(),
                    keys.imageKey(),
                    keys.textKey(),
                    c.imageFormat(),
                    c.perceptualHash(),
                    c.width(),
                    c.height(),
                    c.text(),
                    Map.of("sharpness", c.sharpness()),
                    c.submittedAt(),
                    clock.instant()));
        } catch (ShuttingDownException e) {
            throw e;
        } catch (GaveUpException e) {
            return Verdict.deadLetter(DeadLetters.of(DeadLetters.STORE, c, e, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "storing pair %s failed unexpectedly; dead-lettering it", c.pairId());
            return Verdict.deadLetter(DeadLetters.of(DeadLetters.STORE, c, e, clock.instant()));
        }
    }
}
