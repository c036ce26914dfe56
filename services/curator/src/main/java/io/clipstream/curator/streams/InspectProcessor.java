package io.clipstream.curator.streams;

import io.clipstream.curator.curation.PairInspector;
import io.clipstream.curator.curation.RawRecord;
import io.clipstream.curator.curation.Verdict;
import io.clipstream.curator.metrics.CuratorMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Raw bytes in, a verdict keyed by pairId out; remembers where the raw record was for rejections. */
final class InspectProcessor implements Processor<byte[], byte[], String, Verdict> {
    private final PairInspector inspector;
    private final CuratorMetrics metrics;
    private ProcessorContext<String, Verdict> context;

    InspectProcessor(PairInspector inspector, CuratorMetrics metrics) {
        this.inspector = inspector;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Verdict> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.pairIn();
        RawRecord raw = context.recordMetadata()
                .map((RecordMetadata m) -> new RawRecord(m.topic(), m.partition(), m.offset()))
                .orElse(new RawRecord("unknown", 0, 0));
        Verdict verdict = inspector.inspect(record.key(), record.value(), raw);
        String pairId = verdict.rejected() ? verdict.rejection().pairId() : verdict.candidate().pairId();
        context.forward(record.withKey(pairId).withValue(verdict));
    }
}
