package io.clipstream.trainer.it;

import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.testkit.Infra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads a trainer's training.runs and model.versions from their beginning, and waits for runs to end. */
final class RunWatcher implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer = Infra.shared().bytesConsumer();
    private final String runsTopic;
    private final String versionsTopic;
    final List<TrainingRun> runs = new ArrayList<>();
    final List<ModelVersion> versions = new ArrayList<>();

    RunWatcher(String runsTopic, String versionsTopic) {
        this.runsTopic = runsTopic;
        this.versionsTopic = versionsTopic;
    }

    void poll() {
        if (consumer.assignment().isEmpty()) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of(runsTopic, versionsTopic)) {
                consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
            if (r.topic().equals(runsTopic)) {
                runs.add(Json.read(r.value(), TrainingRun.class));
            } else {
                versions.add(Json.read(r.value(), ModelVersion.class));
            }
        }
    }

    /** The terminal event of the next run that ends after {@code known} terminal events. */
    TrainingRun awaitRunEnd(int known, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            poll();
            return terminal().size() > known;
        });
        return terminal().get(known);
    }

    /** The announcement of {@code version}, once it is on model.versions. */
    ModelVersion awaitVersion(int version, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            poll();
            return versions.stream().anyMatch(v -> v.version() == version);
        });
        return versions.stream().filter(v -> v.version() == version).findFirst().orElseThrow();
    }

    List<TrainingRun> terminal() {
        return runs.stream().filter(r -> r.state().terminal()).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
