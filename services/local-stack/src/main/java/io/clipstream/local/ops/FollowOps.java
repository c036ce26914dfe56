package io.clipstream.local.ops;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.Topics;
import io.clipstream.contracts.TrainingRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the operations topics ({@code training.runs}, {@code model.versions}, {@code index.events},
 * {@code pairs.rejected}) and prints one readable line per event, as {@code tail -f} would. Connects as the services
 * do: {@code KAFKA_BOOTSTRAP_SERVERS}, and for SASL/SCRAM {@code KAFKA_SECURITY_PROTOCOL}, {@code
 * CLIPSTREAM_KAFKA_USER}
 * (an operator principal) and {@code CLIPSTREAM_KAFKA_PASSWORD}.
 *
 * <pre>FollowOps [--from-beginning] [--no-rejected]</pre>
 */
public final class FollowOps {
    private FollowOps() {}

    public static void main(String[] args) {
        boolean fromBeginning = false;
        boolean rejected = true;
        for (String a : args) {
            switch (a) {
                case "--from-beginning" -> fromBeginning = true;
                case "--no-rejected" -> rejected = false;
                default -> {
                    System.err.println("usage: FollowOps [--from-beginning] [--no-rejected]");
                    System.exit(2);
                }
            }
        }
        Map<String, Object> cfg = new HashMap<>();
        Map<String, String> env = System.getenv();
        cfg.put("bootstrap.servers", env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        String protocol = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
        cfg.put("security.protocol", protocol);
        if (protocol.startsWith("SASL")) {
            cfg.put("sasl.mechanism", "SCRAM-SHA-512");
            cfg.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                            + env.getOrDefault("CLIPSTREAM_KAFKA_USER", "clipstream-operator") + "\" password=\""
                            + env.getOrDefault("CLIPSTREAM_KAFKA_PASSWORD", "") + "\";");
        }
        List<String> topics =
                new ArrayList<>(List.of(Topics.TRAINING_RUNS, Topics.MODEL_VERSIONS, Topics.INDEX_EVENTS));
        if (rejected) {
            topics.add(Topics.PAIRS_REJECTED);
        }
        try (KafkaConsumer<String, byte[]> c = Readers.create(cfg)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t, Duration.ofSeconds(30))
                        .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            c.assign(parts);
            if (fromBeginning) {
                c.seekToBeginning(parts);
            } else {
                c.seekToEnd(parts);
            }
            System.out.println("following " + String.join(", ", topics) + " (Ctrl-C to stop)");
            while (true) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    System.out.println(line(r.topic(), r.value()));
                }
            }
        }
    }

    /** The readable line of one record of {@code topic}; a record that does not parse is shown as such, not dropped. */
    public static String line(String topic, byte[] value) {
        if (value == null) {
            return "          " + topic + ": tombstone";
        }
        try {
            return switch (topic) {
                case Topics.TRAINING_RUNS -> OpsLines.run(Json.read(value, TrainingRun.class));
                case Topics.MODEL_VERSIONS -> OpsLines.version(Json.read(value, ModelVersion.class));
                case Topics.INDEX_EVENTS -> OpsLines.index(Json.read(value, IndexEvent.class));
                case Topics.PAIRS_REJECTED -> OpsLines.rejected(Json.read(value, PairRejected.class));
                default -> topic + ": " + new String(value, java.nio.charset.StandardCharsets.UTF_8);
            };
        } catch (MalformedEventException e) {
            return "          " + topic + ": a record that does not parse (" + e.getMessage() + ")";
        }
    }
}
