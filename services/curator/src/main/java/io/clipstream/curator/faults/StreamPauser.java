package io.clipstream.curator.faults;

import io.clipstream.curator.metrics.CuratorMetrics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.streams.KafkaStreams;
import org.jboss.logging.Logger;

/**
 * Pauses consumption while object storage is down and resumes it when it is back: the stream thread
 * stays alive and keeps its state stores, it only stops taking new records (the record in hand
 * waits in {@link InPlaceRetry}).
 */
@ApplicationScoped
public class StreamPauser {
    private static final Logger LOG = Logger.getLogger(StreamPauser.class);

    private final StorageHealth health;
    private final CuratorMetrics metrics;

    public StreamPauser(StorageHealth health, CuratorMetrics metrics) {
        this.health = health;
        this.metrics = metrics;
    }

    /**
     * Before Quarkus closes the streams: a record waiting for storage must not hold the shutdown up
     * until max-outage-wait. It stops waiting and is processed again after the restart.
     */
    void onShutdown(@Observes @Priority(100) ShutdownEvent event) {
        health.close();
    }

    /** Quarkus fires the KafkaStreams instance as an event once it has started it. */
    void onStreamsStarted(@Observes KafkaStreams streams) {
        health.onChange(up -> {
            if (up) {
                streams.resume();
                LOG.info("consumption resumed: object storage is back");
            } else {
                streams.pause();
                LOG.warnf("consumption paused: object storage unavailable (%s)", health.lastError());
            }
            metrics.paused(!up);
        });
        if (!health.up()) {
            streams.pause();
            metrics.paused(true);
            LOG.warn("consumption paused at start: object storage unavailable");
        }
    }
}
