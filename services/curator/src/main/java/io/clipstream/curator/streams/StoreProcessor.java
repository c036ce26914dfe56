package io.clipstream.curator.streams;

import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.curation.Candidate;
import io.clipstream.curator.curation.DeadLetters;
import io.clipstream.curator.curation.Verdict;
import io.clipstream.curator.faults.GaveUpException;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.ShuttingDownException;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.CuratedObjectWriter;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Writes image and text to object storage, then emits the PairCurated event. Storage failures are
 * retried in place ({@link InPlaceRetry}: the stream pauses while storage is down); a pair whose
 * objects cannot be written in the end is dead-lettered. The keys are content-addressed, so a
 * retry rewrites nothing.
 */
final class StoreProcessor implements FixedKeyProcessor<String, Candidate, Verdict> {
    private static final Logger LOG = Logger.getLogger(StoreProcessor.class);

    private final CuratedObjectWriter writer;
    private final InPlaceRetry retry;
    private final CuratorMetrics metrics;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Verdict> context;

    StoreProcessor(CuratedObjectWriter writer, InPlaceRetry retry, CuratorMetrics metrics, Clock clock) {
        this.writer = writer;
        this.retry = retry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Verdict> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Candidate> record) {
        Candidate c = record.value();
        Verdict verdict;
        try {
            // our own content-addressed keys: any failure, even a refusal, is the store's, not the pair's
            CuratedObjectWriter.Keys keys = retry.call("store " + c.pairId(), () -> writer.write(c), e -> true);
            Instant now = clock.instant();
            verdict = Verdict.curated(new PairCurated(PairCurated.SCHEMA_VERSION, c.pairId(), c.source(), c.domain(),
                    c.sha256(), keys.imageKey(), keys.textKey(), c.imageFormat(), c.perceptualHash(), c.width(),
                    c.height(), c.text(), Map.of("sharpness", c.sharpness()), c.submittedAt(), now));
            metrics.curated(c.submittedAt(), now);
        } catch (ShuttingDownException e) {
            throw e;
        } catch (GaveUpException e) {
            verdict = Verdict.deadLetter(DeadLetters.of(DeadLetters.STORE, c, e, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "storing pair %s failed unexpectedly; dead-lettering it", c.pairId());
            verdict = Verdict.deadLetter(DeadLetters.of(DeadLetters.STORE, c, e, clock.instant()));
        }
        context.forward(record.withValue(verdict));
    }
}
