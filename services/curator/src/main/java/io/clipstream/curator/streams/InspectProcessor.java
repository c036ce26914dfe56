package io.clipstream.curator.streams;

import io.clipstream.curator.dedup.PairIdentities;
import io.clipstream.curator.faults.GaveUpException;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.ShuttingDownException;
import io.clipstream.curator.inspect.DeadLetters;
import io.clipstream.curator.inspect.PairInspector;
import io.clipstream.curator.inspect.RawRecord;
import io.clipstream.curator.inspect.Verdict;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.storage.StorageUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Raw bytes in, a verdict keyed by pairId out; remembers where the raw record was for rejections.
 * Every record leaves with a verdict: what the pair is to blame for is a rejection, storage that
 * stays unavailable (or an unexpected error) a dead letter - nothing escapes to fail the thread.
 */
final class InspectProcessor implements Processor<byte[], byte[], String, Verdict> {
    private static final Logger LOG = Logger.getLogger(InspectProcessor.class);

    private final PairInspector inspector;
    private final InPlaceRetry retry;
    private final CuratorMetrics metrics;
    private final Clock clock;
    private ProcessorContext<String, Verdict> context;
    private PairIdentities identities;

    InspectProcessor(PairInspector inspector, InPlaceRetry retry, CuratorMetrics metrics, Clock clock) {
        this.inspector = inspector;
        this.retry = retry;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
        this.identities = new PairIdentities(context.getStateStore(PairIdentities.STORE));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.pairIn();
        RawRecord raw = context.recordMetadata()
                .map((RecordMetadata m) -> new RawRecord(m.topic(), m.partition(), m.offset()))
                .orElse(new RawRecord("unknown", 0, 0));
        Verdict verdict;
        try {
            verdict = retry.call(
                    "inspect " + raw,
                    () -> inspector.inspect(record.key(), record.value(), raw),
                    e -> e instanceof StorageUnavailableException);
            if (verdict instanceof Verdict.Pass pass) {
                verdict = identities.check(pass.candidate(), clock.instant());
            }
        } catch (ShuttingDownException e) {
            throw e;
        } catch (GaveUpException e) {
            verdict = Verdict.deadLetter(DeadLetters.of(
                    DeadLetters.INSPECT, keyOf(record), null, null, raw, record.value(), e, clock.instant()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "inspecting %s failed unexpectedly; dead-lettering it", raw);
            verdict = Verdict.deadLetter(DeadLetters.of(
                    DeadLetters.INSPECT, keyOf(record), null, null, raw, record.value(), e, clock.instant()));
        }
        context.forward(record.withKey(verdict.pairId()).withValue(verdict));
    }

    private static String keyOf(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return null;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        return key.length() > 256 ? key.substring(0, 256) + "..." : key;
    }
}
