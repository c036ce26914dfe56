package io.clipstream.refresh.reindex;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.RecordFollower;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Follows the champion of one model on the compacted {@code model.versions} topic: {@link #readToEnd} gives the
 * champion at start-up (the latest record of the model's key), then a thread tells {@code onChampion} of every new
 * announcement, promotions and rollbacks alike.
 */
public final class ChampionWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ChampionWatch.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String model;
    private final RecordFollower follower;

    public ChampionWatch(Map<String, Object> consumerSettings, String topic, String model) {
        this.consumer = Readers.create(consumerSettings);
        this.topic = topic;
        this.model = model;
        this.follower = new RecordFollower(consumer, "champion-watch");
    }

    /** Reads the topic from its start to its current end; the model's latest announcement, if any. */
    public Optional<ModelVersion> readToEnd(Duration timeout) {
        List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
        ModelVersion last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                ModelVersion v = parse(r);
                if (v != null) {
                    last = v;
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /** Starts telling {@code onChampion} of announcements after those {@link #readToEnd} read. */
    public void follow(Consumer<ModelVersion> onChampion) {
        follower.start(() -> {}, r -> {
            ModelVersion v = parse(r);
            if (v != null) {
                onChampion.accept(v);
            }
        });
    }

    private ModelVersion parse(ConsumerRecord<String, byte[]> r) {
        if (!model.equals(r.key()) || r.value() == null) {
            return null;
        }
        try {
            return Json.read(r.value(), ModelVersion.class);
        } catch (MalformedEventException e) {
            LOG.warnf("skipped a %s record that does not parse (offset %d): %s", topic, r.offset(), e.getMessage());
            return null;
        }
    }

    /** How its follower goes (it retries with back-off when a poll or the handler fails). */
    public RecordFollower.Health health() {
        return follower.health();
    }

    @Override
    public void close() {
        follower.close();
    }
}
