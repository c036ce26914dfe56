package io.clipstream.local.ops;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.Topics;
import io.clipstream.contracts.TrainingRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The loop's operations topics ({@code training.runs}, {@code model.versions}, {@code index.events}) read from the
 * beginning on the caller's thread: every event is kept, for waiting on a run's end or an index swap, and passed as
 * one readable line ({@link OpsLines}) to {@code print}.
 */
public final class OpsFeed implements AutoCloseable {
    private static final List<String> TOPICS =
            List.of(Topics.TRAINING_RUNS, Topics.MODEL_VERSIONS, Topics.INDEX_EVENTS);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<String> print;
    private final List<TrainingRun> runs = new ArrayList<>();
    private final List<ModelVersion> versions = new ArrayList<>();
    private final List<IndexEvent> index = new ArrayList<>();

    /**
     * @param connection bootstrap servers and credentials of a principal that may read the three topics (the operator)
     */
    public OpsFeed(Map<String, Object> connection, Consumer<String> print) {
        this.consumer = Readers.create(connection);
        this.print = print;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : TOPICS) {
            consumer.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls once; returns how many events arrived. */
    public int poll(Duration timeout) {
        int n = 0;
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            n++;
            print.accept(FollowOps.line(r.topic(), r.value()));
            try {
                switch (r.topic()) {
                    case Topics.TRAINING_RUNS -> runs.add(Json.read(r.value(), TrainingRun.class));
                    case Topics.MODEL_VERSIONS -> versions.add(Json.read(r.value(), ModelVersion.class));
                    default -> index.add(Json.read(r.value(), IndexEvent.class));
                }
            } catch (MalformedEventException e) {
                // printed as such by FollowOps.line; nothing to wait on
            }
        }
        return n;
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    public boolean awaitUntil(Predicate<OpsFeed> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            poll(Duration.ofMillis(300));
        }
        return true;
    }

    public List<TrainingRun> runs() {
        return runs;
    }

    public List<ModelVersion> versions() {
        return versions;
    }

    public List<IndexEvent> indexEvents() {
        return index;
    }

    /** The terminal events of runs, in the order they ended. */
    public List<TrainingRun> endedRuns() {
        return runs.stream().filter(r -> r.state().terminal()).toList();
    }

    /** Whether a run started that has not ended yet. */
    public boolean runInFlight() {
        return runs.stream().filter(r -> r.state() == TrainingRun.State.STARTED).count()
                > endedRuns().size();
    }

    /** The SWAPPED event of the index built for {@code version}, once there is one. */
    public Optional<IndexEvent> swapped(int version) {
        return index.stream()
                .filter(e -> e.state() == IndexEvent.State.SWAPPED && e.version() == version)
                .reduce((a, b) -> b);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
