package io.clipstream.local.bench;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.Topics;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.local.OutcomeCounter;
import io.clipstream.local.ServiceLauncher;
import io.clipstream.local.StackTopics;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.PairSources;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.InfraOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.clipstream.testkit.Topics.compacted;
import static io.clipstream.testkit.Topics.topic;

/**
 * The data-plane benchmark: pushes N Fashion-MNIST pairs straight to {@code pairs.raw} and reports
 * curated pairs per second and p50/p99 end-to-end latency (produce -> curated or rejected record
 * visible to a read_committed consumer), next to the broker's raw throughput for the same bytes,
 * measured in the same run.
 *
 * <pre>CuratorBench [--pairs 5000] [--warmup 500] [--partitions 2]</pre>
 */
public final class CuratorBench {
    public static void main(String[] args) throws Exception {
        int n = 5000;
        int warmup = 500;
        int partitions = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> n = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: CuratorBench [--pairs N] [--warmup N] [--partitions P]");
                    System.exit(2);
                }
            }
        }
        // Distinct images for warm-up (test split) and measurement (train split): no duplicates by design.
        List<DemoPair> measured = PairSources.fashionMnist(FashionMnist.defaultDir(), n, "fashion");
        List<DemoPair> warmPairs = testSplit(warmup);

        Path root = Path.of("").toAbsolutePath();
        Path logDir = Files.createDirectories(root.resolve(".clipstream/logs"));
        try (Infra infra = Infra.start(InfraOptions.fromEnvironment())) {
            infra.createTopics(topic(Topics.PAIRS_RAW, partitions, StackTopics.RAW_CONFIG),
                    compacted(Topics.PAIRS_CURATED, partitions), topic(Topics.PAIRS_REJECTED, partitions),
                    topic("bench.baseline", partitions, StackTopics.RAW_CONFIG));

            List<Map.Entry<byte[], byte[]>> records = encode(measured, "bench");
            BrokerBaseline.Result baseline = BrokerBaseline.measure(infra.kafkaBootstrapServers(), "bench.baseline", records);

            ServiceLauncher launcher = new ServiceLauncher(root, logDir);
            try (var curator = launcher.start("curator", infra, Map.of(), Duration.ofMinutes(2));
                 var producer = new KafkaProducer<>(BrokerBaseline.producerConfig(infra.kafkaBootstrapServers()),
                         new ByteArraySerializer(), new ByteArraySerializer());
                 var outcomes = new OutcomeCounter(infra.kafkaBootstrapServers(), Topics.PAIRS_CURATED, Topics.PAIRS_REJECTED)) {
                if (!warmPairs.isEmpty()) {
                    sendAll(producer, encode(warmPairs, "warmup"));
                    int target = warmPairs.size();
                    if (!outcomes.awaitUntil(o -> o.outcomes() >= target, Duration.ofMinutes(5), null)) {
                        throw new IllegalStateException("warm-up did not finish; curator log:\n" + curator.process().logTail(30));
                    }
                }
                int before = outcomes.outcomes();
                int curatedBefore = outcomes.curated();

                Map<String, Long> sentAt = new HashMap<>();
                List<Double> latenciesMs = new ArrayList<>(n);
                long start = System.nanoTime();
                for (var e : encode(measured, "run")) {
                    String pairId = new String(e.getKey(), StandardCharsets.UTF_8);
                    sentAt.put(pairId, System.nanoTime());
                    producer.send(new ProducerRecord<>(Topics.PAIRS_RAW, e.getKey(), e.getValue()));
                }
                producer.flush();
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                long lastOutcome = start;
                while (outcomes.outcomes() - before < n && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : outcomes.poll(Duration.ofMillis(200))) {
                        long now = System.nanoTime();
                        Long t = sentAt.remove(pairIdOf(r));
                        if (t != null) {
                            latenciesMs.add((now - t) / 1e6);
                            lastOutcome = now;
                        }
                    }
                }
                int done = outcomes.outcomes() - before;
                int curated = outcomes.curated() - curatedBefore;
                double seconds = (lastOutcome - start) / 1e9;
                Percentiles p = new Percentiles(latenciesMs.stream().mapToDouble(Double::doubleValue).toArray());

                System.out.println();
                System.out.printf("data-plane benchmark: %,d pairs (%,d bytes on pairs.raw, %.0f B/pair), %d partitions, %d cores%n",
                        n, baseline.bytes(), baseline.bytes() / (double) n, partitions, Runtime.getRuntime().availableProcessors());
                System.out.println("| measure | value |");
                System.out.println("|---|---:|");
                System.out.printf("| curator: pairs reaching an outcome | %,d of %,d (curated %,d, rejected %,d) |%n",
                        done, n, curated, done - curated);
                System.out.printf("| curator: outcomes per second | %,.0f |%n", done / seconds);
                System.out.printf("| curator: curated pairs per second | %,.0f |%n", curated / seconds);
                System.out.printf("| end-to-end latency p50 | %,.0f ms |%n", p.at(50));
                System.out.printf("| end-to-end latency p99 | %,.0f ms |%n", p.at(99));
                System.out.printf("| end-to-end latency max | %,.0f ms |%n", p.max());
                System.out.printf("| producer send of the run (to pairs.raw) | %.2f s |%n", sendSeconds);
                System.out.printf("| broker raw produce, same bytes (acks=all, idempotent) | %,.0f rec/s, %.1f MB/s |%n",
                        baseline.produceRecordsPerSecond(), baseline.produceMegabytesPerSecond());
                System.out.printf("| broker raw consume, same bytes | %,.0f rec/s |%n", baseline.consumeRecordsPerSecond());
                System.out.printf("| curator / raw produce | %.3f |%n", (done / seconds) / baseline.produceRecordsPerSecond());
                if (done < n) {
                    System.out.println("INCOMPLETE: only " + done + " of " + n + " outcomes within the deadline");
                    System.exit(1);
                }
            }
        }
    }

    private static List<DemoPair> testSplit(int count) throws Exception {
        if (count <= 0) {
            return List.of();
        }
        List<DemoPair> out = new ArrayList<>();
        for (FashionMnist.Sample s : FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, count)) {
            out.add(new DemoPair("fmnist-test-" + s.index(), "fashion", "a warm-up photo of a " + s.className() + " number " + s.index(),
                    io.clipstream.datasets.GreyImages.toPng(s.pixels(), FashionMnist.SIDE, FashionMnist.SIDE)));
        }
        return out;
    }

    private static List<Map.Entry<byte[], byte[]>> encode(List<DemoPair> pairs, String prefix) {
        Instant now = Instant.now();
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>(pairs.size());
        for (DemoPair p : pairs) {
            String id = prefix + "-" + p.pairId();
            PairSubmitted e = PairSubmitted.of(id, "fashion-mnist", p.domain(), p.text(),
                    Base64.getEncoder().encodeToString(p.image()), null, Map.of(), now);
            out.add(new AbstractMap.SimpleImmutableEntry<>(id.getBytes(StandardCharsets.UTF_8), Json.write(e)));
        }
        return out;
    }

    private static void sendAll(KafkaProducer<byte[], byte[]> producer, List<Map.Entry<byte[], byte[]>> records) {
        for (var e : records) {
            producer.send(new ProducerRecord<>(Topics.PAIRS_RAW, e.getKey(), e.getValue()));
        }
        producer.flush();
    }

    private static String pairIdOf(ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(Topics.PAIRS_CURATED)) {
            PairCurated c = EventSerdes.pairCurated().deserializer().deserialize(r.topic(), r.value());
            return c.pairId();
        }
        PairRejected x = EventSerdes.pairRejected().deserializer().deserialize(r.topic(), r.value());
        return x.pairId();
    }

    private CuratorBench() {
    }
}
