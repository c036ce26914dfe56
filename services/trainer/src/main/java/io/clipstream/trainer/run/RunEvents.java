package io.clipstream.trainer.run;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.TrainingRun;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/** Publishes a run's lifecycle on training.runs (key runId, so one run's events stay in order). */
public final class RunEvents {
    private static final Logger LOG = Logger.getLogger(RunEvents.class);

    private final Producer<String, byte[]> producer;
    private final String topic;

    public RunEvents(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Terminal events wait for the broker; progress is fire-and-forget (a lost PROGRESS costs nothing). */
    public void emit(TrainingRun e) {
        var send = producer.send(new ProducerRecord<>(topic, e.runId(), Json.write(e)));
        if (e.state() == TrainingRun.State.PROGRESS) {
            return;
        }
        try {
            send.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (Exception ex) {
            LOG.errorf(ex, "could not publish %s %s", e.runId(), e.state());
        }
    }
}
