package io.clipstream.refresh.ops;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.RecordFollower;
import io.clipstream.contracts.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The loop's recent history for the operations view, folded from {@code training.runs}, {@code model.versions} and
 * {@code index.events} (read by position from their start, on a thread of its own) into bounded memory: the last
 * runs of the model, each with its latest event (a run's last event is its whole story) and the steps it went
 * through; the latest announcements; the latest index events.
 */
public final class OpsJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OpsJournal.class);

    /** A step of a run: a state and when it was entered (repeated PROGRESS events count as one step). */
    public record Step(TrainingRun.State state, Instant at) {}

    /** A run as the view shows it: its latest event, the steps so far, when it started. */
    public record RunView(TrainingRun latest, List<Step> steps, Instant startedAt) {}

    /** What the view shows, newest first. */
    public record Snapshot(List<RunView> runs, List<ModelVersion> announcements, List<IndexEvent> index) {}

    /** Topic names and how much history to keep. */
    public record Settings(
            String model,
            String runsTopic,
            String versionsTopic,
            String indexTopic,
            int recentRuns,
            int recentEvents) {}

    private final Settings settings;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordFollower follower;
    private final LinkedHashMap<String, RunView> runs = new LinkedHashMap<>();
    private final Deque<ModelVersion> announcements = new ArrayDeque<>();
    private final Deque<IndexEvent> index = new ArrayDeque<>();

    public OpsJournal(Map<String, Object> consumerSettings, Settings settings) {
        this.settings = settings;
        this.consumer = Readers.create(consumerSettings);
        this.follower = new RecordFollower(consumer, "ops-journal");
    }

    /** How its follower goes (it retries with back-off when a poll fails). */
    public RecordFollower.Health health() {
        return follower.health();
    }

    public void start() {
        follower.start(this::fromTheStart, this::accept);
    }

    private void fromTheStart() {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(settings.runsTopic(), settings.versionsTopic(), settings.indexTopic())) {
            consumer.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(settings.runsTopic())) {
                add(Json.read(r.value(), TrainingRun.class));
            } else if (r.topic().equals(settings.versionsTopic())) {
                add(Json.read(r.value(), ModelVersion.class));
            } else {
                add(Json.read(r.value(), IndexEvent.class));
            }
        } catch (MalformedEventException e) {
            LOG.warnf("skipped a %s record that does not parse (offset %d): %s", r.topic(), r.offset(), e.getMessage());
        }
    }

    synchronized void add(TrainingRun e) {
        if (!settings.model().equals(e.model())) {
            return;
        }
        RunView old = runs.remove(e.runId());
        List<Step> steps = new ArrayList<>(old == null ? List.of() : old.steps());
        boolean repeat =
                !steps.isEmpty() && steps.getLast().state() == e.state() && e.state() == TrainingRun.State.PROGRESS;
        if (!repeat) {
            steps.add(new Step(e.state(), e.at()));
        }
        runs.put(e.runId(), new RunView(e, List.copyOf(steps), old == null ? e.at() : old.startedAt()));
        while (runs.size() > settings.recentRuns()) {
            runs.remove(runs.keySet().iterator().next());
        }
    }

    synchronized void add(ModelVersion v) {
        if (!settings.model().equals(v.model())) {
            return;
        }
        bounded(announcements, v);
    }

    synchronized void add(IndexEvent e) {
        if (!settings.model().equals(e.model())) {
            return;
        }
        bounded(index, e);
    }

    private <T> void bounded(Deque<T> q, T item) {
        q.addFirst(item);
        while (q.size() > settings.recentEvents()) {
            q.removeLast();
        }
    }

    public synchronized Snapshot snapshot() {
        List<RunView> newestFirst = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newestFirst);
        return new Snapshot(newestFirst, List.copyOf(announcements), List.copyOf(index));
    }

    @Override
    public void close() {
        follower.close();
    }
}
