package io.clipstream.refresh.reindex;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/** Writes re-index events on {@code index.events} (key = model name); a failed send is logged, never fatal. */
public final class IndexEvents {
    private static final Logger LOG = Logger.getLogger(IndexEvents.class);

    private final Producer<String, byte[]> producer;
    private final String topic;

    public IndexEvents(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public void send(IndexEvent e) {
        LOG.infof(
                "%s %s v%d: %d indexed%s, %.0f pairs/s%s",
                e.state(),
                e.buildId(),
                e.version(),
                e.indexed(),
                e.carried() == null ? "" : " (" + e.reembedded() + " re-embedded, " + e.carried() + " carried)",
                e.pairsPerSecond(),
                e.error() == null ? "" : ", " + e.error());
        producer.send(new ProducerRecord<>(topic, e.model(), Json.write(e)), (md, ex) -> {
            if (ex != null) {
                LOG.warnf("could not write %s to %s: %s", e.state(), topic, ex.getMessage());
            }
        });
    }
}
