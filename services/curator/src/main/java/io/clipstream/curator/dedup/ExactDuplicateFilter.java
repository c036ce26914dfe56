package io.clipstream.curator.dedup;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.Verdict;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Exact de-duplication, scoped by producer. Runs on a stream keyed (and partitioned) by the catalogue
 * key (source, sha256 of the image bytes); the store maps each to the identity (source, pairId) that
 * claimed it first. A pair whose bytes its own producer already sent under another pairId is
 * DUPLICATE_EXACT; the same bytes from another producer are that producer's own pair. The same identity
 * again (a producer retry, or a replay) passes: everything downstream is idempotent (content-addressed
 * objects, pairs.curated keyed by the catalogue key).
 * Under exactly_once_v2 the store update commits in the same transaction as the input offset, so a
 * replay after a crash reads the pre-crash committed store and never sees its own aborted claim.
 */
public final class ExactDuplicateFilter implements FixedKeyProcessor<String, Candidate, Verdict> {
    public static final String STORE = "seen-sha256";

    private final Clock clock;
    private FixedKeyProcessorContext<String, Verdict> context;
    private KeyValueStore<String, String> firstPairBySha;

    public ExactDuplicateFilter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Verdict> context) {
        this.context = context;
        this.firstPairBySha = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Candidate> record) {
        Candidate c = record.value();
        String first = firstPairBySha.get(c.catalogueKey());
        if (first == null) {
            firstPairBySha.put(c.catalogueKey(), c.identity());
            context.forward(record.withValue(Verdict.pass(c)));
        } else if (first.equals(c.identity())) {
            context.forward(record.withValue(Verdict.pass(c)));
        } else {
            context.forward(record.withValue(Verdict.reject(c.reject(
                    ReasonCode.DUPLICATE_EXACT,
                    "identical image bytes (sha256 " + c.sha256() + ") already seen in " + c.describeOther(first),
                    clock.instant()))));
        }
    }
}
