package io.clipstream.curator.streams;

import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.curation.Candidate;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.CuratedObjectWriter;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Writes image and text to object storage, then emits the PairCurated event. A
 * {@link io.clipstream.storage.StorageException} is not caught: it fails the task (see
 * {@link CuratorLifecycle#uncaughtExceptionHandler()}), so the pair is retried, never lost.
 */
final class StoreProcessor implements FixedKeyProcessor<String, Candidate, PairCurated> {
    private final CuratedObjectWriter writer;
    private final CuratorMetrics metrics;
    private final Clock clock;
    private FixedKeyProcessorContext<String, PairCurated> context;

    StoreProcessor(CuratedObjectWriter writer, CuratorMetrics metrics, Clock clock) {
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, PairCurated> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Candidate> record) {
        Candidate c = record.value();
        CuratedObjectWriter.Keys keys = writer.write(c);
        Instant now = clock.instant();
        PairCurated curated = new PairCurated(PairCurated.SCHEMA_VERSION, c.pairId(), c.source(), c.domain(),
                c.sha256(), keys.imageKey(), keys.textKey(), c.imageFormat(), c.perceptualHash(), c.width(),
                c.height(), c.text(), Map.of("sharpness", c.sharpness()), c.submittedAt(), now);
        metrics.curated(c.submittedAt(), now);
        context.forward(record.withValue(curated));
    }
}
