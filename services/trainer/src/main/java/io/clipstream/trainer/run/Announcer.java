package io.clipstream.trainer.run;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Readers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Announces versions on the compacted model.versions topic (key = model name: the latest record per model names
 * the champion) and knows the latest announcement: read back from the topic once (how a restarted trainer learns
 * what was announced), then kept from its own announcements, and read again ({@link #refresh}) under the run lock
 * before a run: the trainers of a model (a Deployment and a Job beside it) announce only under the lock, and an
 * announcement is acknowledged before the lock is released, so what is read then is complete.
 */
public final class Announcer {
    private final Producer<String, byte[]> producer;
    private final Map<String, Object> kafka;
    private final String topic;
    private final Map<String, Optional<ModelVersion>> latest = new ConcurrentHashMap<>();

    public Announcer(Producer<String, byte[]> producer, Map<String, Object> kafka, String topic) {
        this.producer = producer;
        this.kafka = kafka;
        this.topic = topic;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void announce(ModelVersion v) {
        try {
            producer.send(new ProducerRecord<>(topic, v.model(), Json.write(v))).get(60, TimeUnit.SECONDS);
            latest.put(v.model(), Optional.of(v));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted announcing " + v.model() + " v" + v.version(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not announce " + v.model() + " v" + v.version() + ": " + e.getMessage(), e);
        }
    }

    /** The latest announcement of {@code model}. */
    public Optional<ModelVersion> latest(String model) {
        return latest.computeIfAbsent(model, this::readLatest);
    }

    /** The latest announcement of {@code model} as the topic holds it now (and kept from then on). */
    public Optional<ModelVersion> refresh(String model) {
        Optional<ModelVersion> v = readLatest(model);
        latest.put(model, v);
        return v;
    }

    /** Reads the topic from its start to its current end. */
    private Optional<ModelVersion> readLatest(String model) {
        try (KafkaConsumer<String, byte[]> c = Readers.create(kafka)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            ModelVersion last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (!model.equals(r.key()) || r.value() == null) {
                        continue;
                    }
                    ModelVersion v = Json.read(r.value(), ModelVersion.class);
                    last = v; // one key, one partition: offset order is announcement order
                }
            }
            return Optional.ofNullable(last);
        }
    }
}
