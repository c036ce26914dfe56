package io.clipstream.gateway.kafka;

import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.gateway.GatewayConfig;
import io.clipstream.gateway.GatewayMetrics;
import io.clipstream.gateway.problem.GatewayException;
import io.clipstream.gateway.validation.PairSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

/**
 * Turns validated submissions into {@link PairSubmitted} events on pairs.raw (key = pairId) and
 * waits for the broker's acknowledgement: a 202 means the record is durably in Kafka.
 */
@ApplicationScoped
public class PairPublisher {
    private static final Logger LOG = Logger.getLogger(PairPublisher.class);

    /** Where a pair landed. */
    public record Published(String pairId, String topic, int partition, long offset) {}

    @Inject
    Producer<String, PairSubmitted> producer;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    @Inject
    TopicsConfig topics;

    Clock clock = Clock.systemUTC();

    public List<Published> publish(String source, List<PairSubmission> pairs) {
        Instant now = clock.instant();
        List<PairSubmitted> events = pairs.stream()
                .map(p -> PairSubmitted.of(
                        p.pairId() != null ? p.pairId() : UUID.randomUUID().toString(),
                        source,
                        p.domain(),
                        p.text(),
                        p.imageBase64(),
                        p.imageUri(),
                        p.attributes(),
                        now))
                .toList();
        List<String> ids = events.stream().map(PairSubmitted::pairId).toList();

        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(events.size());
        try {
            for (PairSubmitted event : events) {
                long started = System.nanoTime();
                CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(topics.raw(), event.pairId(), event), (metadata, error) -> {
                    if (error != null) {
                        ack.completeExceptionally(error);
                    } else {
                        metrics.publishLatency(System.nanoTime() - started);
                        ack.complete(metadata);
                    }
                });
                acks.add(ack);
            }
            List<Published> result = new ArrayList<>(events.size());
            for (CompletableFuture<RecordMetadata> ack : acks) {
                RecordMetadata m = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                result.add(new Published(ids.get(result.size()), m.topic(), m.partition(), m.offset()));
            }
            metrics.published(source, result.size());
            return result;
        } catch (ExecutionException e) {
            throw failure(e.getCause(), ids);
        } catch (TimeoutException e) {
            throw new PublishException("the broker did not acknowledge within " + config.publishTimeout(), ids, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for the broker", ids, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            // send() itself fails fast: metadata not available within max.block.ms, record too large...
            throw failure(e, ids);
        }
    }

    private RuntimeException failure(Throwable cause, List<String> ids) {
        if (cause instanceof RecordTooLargeException) {
            return new GatewayException(
                    ReasonCode.PAYLOAD_TOO_LARGE, "record too large for Kafka: " + cause.getMessage());
        }
        LOG.warnf("publishing %d pair(s) to %s failed: %s", ids.size(), topics.raw(), cause.toString());
        // the cause stays in the log: 503 bodies do not echo internal exception text
        return new PublishException("the broker did not accept the record(s)", ids, cause);
    }
}
