package io.clipstream.local.bench;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.Principal;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.contracts.Topics;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.local.LocalStack;
import io.clipstream.local.OutcomeCounter;
import io.clipstream.local.ServiceLauncher;
import io.clipstream.local.StackTopics;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.PairSources;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.InfraOptions;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The data-plane benchmark: pushes N Fashion-MNIST pairs straight to {@code pairs.raw} and reports
 * curated pairs per second and p50/p99 end-to-end latency (produce -> curated or rejected record
 * visible to a read_committed consumer), next to the broker's and the object store's raw rates for
 * the same bytes and objects, measured in the same run.
 *
 * Two phases after a warm-up: a burst (all N pairs sent at once: throughput, and the latency of
 * draining a backlog), then a paced run at half the burst throughput (latency of a stream the
 * curator keeps up with).
 *
 * <pre>CuratorBench [--pairs 5000] [--warmup 500] [--latency-pairs 1000] [--partitions 2] [--curator-threads 1]
 * [--text-objects]</pre>
 *
 * {@code --curator-threads} sets the curator's Kafka Streams {@code num.stream.threads} (its default otherwise);
 * {@code --text-objects} has the curator write a text document beside each image, and the object store's baseline too.
 */
public final class CuratorBench {
    public static void main(String[] args) throws Exception {
        int n = 5000;
        int warmup = 500;
        int partitions = 2;
        int latencyCount = 1000;
        Integer curatorThreads = null;
        boolean textObjects = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> n = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--partitions" -> partitions = Integer.parseInt(args[++i]);
                case "--latency-pairs" -> latencyCount = Integer.parseInt(args[++i]);
                case "--curator-threads" -> curatorThreads = Integer.parseInt(args[++i]);
                case "--text-objects" -> textObjects = true;
                default -> {
                    System.err.println(
                            "usage: CuratorBench [--pairs N] [--warmup N] [--latency-pairs N] [--partitions P] "
                                    + "[--curator-threads T] [--text-objects]");
                    System.exit(2);
                }
            }
        }
        // Distinct images for warm-up (test split) and measurement (train split): no duplicates by design.
        List<DemoPair> measured = PairSources.fashionMnist(FashionMnist.defaultDir(), n, "fashion");
        List<DemoPair> test = testSplit(warmup + latencyCount);
        List<DemoPair> warmPairs = test.subList(0, Math.min(warmup, test.size()));
        List<DemoPair> latencyPairs = test.subList(warmPairs.size(), test.size());

        Path root = Path.of("").toAbsolutePath();
        Path logDir = Files.createDirectories(root.resolve(".clipstream/logs"));
        try (Infra infra = Infra.start(InfraOptions.fromEnvironment())) {
            List<NewTopic> topics = new ArrayList<>();
            for (var spec : TopicSpecs.DATA_PLANE) {
                topics.add(StackTopics.like(spec, spec.name(), partitions));
            }
            topics.add(StackTopics.like(TopicSpecs.PAIRS_RAW, "bench.baseline", partitions));
            infra.createTopics(topics.toArray(NewTopic[]::new));

            List<Map.Entry<byte[], byte[]>> records = encode(measured, "bench");
            BrokerBaseline.Result baseline =
                    BrokerBaseline.measure(infra.kafkaClientConfig(), "bench.baseline", records);
            ObjectStoreBaseline.Result s3 = ObjectStoreBaseline.measure(infra, measured, textObjects, true);
            ObjectStoreBaseline.Result s3Checked = ObjectStoreBaseline.measure(infra, measured, textObjects, false);
            ObjectStoreBaseline.Result s3Parallel =
                    ObjectStoreBaseline.measureParallel(infra, measured, textObjects, 8);

            ServiceLauncher launcher = new ServiceLauncher(root, logDir);
            Map<String, String> curatorConfig = new HashMap<>(LocalStack.domainSettings());
            curatorConfig.put("clipstream.curator.store.text-objects", Boolean.toString(textObjects));
            if (curatorThreads != null) {
                curatorConfig.put("kafka-streams.num.stream.threads", curatorThreads.toString());
            }
            try (var curator =
                            launcher.start("curator", Principal.CURATOR, infra, curatorConfig, Duration.ofMinutes(2));
                    var producer = new KafkaProducer<>(
                            BrokerBaseline.producerConfig(infra.kafkaClientConfig(Principal.GATEWAY)),
                            new ByteArraySerializer(),
                            new ByteArraySerializer());
                    var outcomes = new OutcomeCounter(
                            infra.kafkaClientConfig(Principal.OPERATOR),
                            Topics.PAIRS_CURATED,
                            Topics.PAIRS_REJECTED,
                            Topics.PAIRS_DEADLETTER)) {
                if (!warmPairs.isEmpty()) {
                    sendAll(producer, encode(warmPairs, "warmup"));
                    int target = warmPairs.size();
                    if (!outcomes.awaitUntil(o -> o.outcomes() >= target, Duration.ofMinutes(5), null)) {
                        throw new IllegalStateException("warm-up did not finish; curator log:\n"
                                + curator.process().logTail(30));
                    }
                }
                Phase burst = runPhase(producer, outcomes, encode(measured, "run"), 0);
                double pacedRate = Math.max(1, burst.outcomesPerSecond() / 2);
                Phase paced = latencyPairs.isEmpty()
                        ? null
                        : runPhase(producer, outcomes, encode(latencyPairs, "paced"), pacedRate);
                int done = burst.done();
                int curated = burst.curated();
                double seconds = burst.seconds();
                Percentiles p = burst.latencies();

                System.out.println();
                System.out.printf(
                        "data-plane benchmark: %,d pairs (%,d bytes on pairs.raw, %.0f B/pair), %d partitions, %s "
                                + "curator stream thread(s), text objects %s, %d cores%n",
                        n,
                        baseline.bytes(),
                        baseline.bytes() / (double) n,
                        partitions,
                        curatorThreads == null ? "default" : curatorThreads,
                        textObjects ? "on" : "off",
                        Runtime.getRuntime().availableProcessors());
                System.out.println("| measure | value |");
                System.out.println("|---|---:|");
                System.out.printf(
                        "| curator: pairs reaching an outcome | %,d of %,d (curated %,d, rejected %,d) |%n",
                        done, n, curated, done - curated);
                System.out.printf("| curator: outcomes per second | %,.0f |%n", done / seconds);
                System.out.printf("| curator: curated pairs per second | %,.0f |%n", curated / seconds);
                System.out.printf(
                        "| burst (all %,d sent in %.2f s): latency p50 / p99 / max | %,.0f / %,.0f / %,.0f ms |%n",
                        n, burst.sendSeconds(), p.at(50), p.at(99), p.max());
                if (paced != null) {
                    Percentiles q = paced.latencies();
                    System.out.printf(
                            "| paced at %,.0f pairs/s (half the burst rate), %,d pairs: latency p50 / p99 / max | "
                                    + "%,.0f / %,.0f / %,.0f ms |%n",
                            pacedRate, paced.done(), q.at(50), q.at(99), q.max());
                }
                System.out.printf(
                        "| broker raw produce, same bytes (acks=all, idempotent) | %,.0f rec/s, %.1f MB/s |%n",
                        baseline.produceRecordsPerSecond(), baseline.produceMegabytesPerSecond());
                System.out.printf(
                        "| broker raw consume, same bytes | %,.0f rec/s |%n", baseline.consumeRecordsPerSecond());
                String objects = textObjects ? "image and text" : "image";
                System.out.printf(
                        "| object store raw, same objects, one thread: conditional PUT of %s | %,.0f pairs/s, %,.0f "
                                + "requests/s |%n",
                        objects, s3.pairsPerSecond(), s3.requestsPerSecond());
                System.out.printf(
                        "| object store raw, same objects, one thread: existence check + PUT of each | %,.0f pairs/s, "
                                + "%,.0f requests/s |%n",
                        s3Checked.pairsPerSecond(), s3Checked.requestsPerSecond());
                System.out.printf(
                        "| object store raw, same objects, 8 threads: conditional PUT of %s | %,.0f pairs/s, %,.0f "
                                + "requests/s |%n",
                        objects, s3Parallel.pairsPerSecond(), s3Parallel.requestsPerSecond());
                System.out.printf(
                        "| curator / raw produce | %.3f |%n", (done / seconds) / baseline.produceRecordsPerSecond());
                System.out.printf("| curator / object store raw | %.3f |%n", (curated / seconds) / s3.pairsPerSecond());
            }
        }
    }

    /** One measured phase: how many pairs reached an outcome, how fast, and their latencies. */
    private record Phase(int done, int curated, double seconds, double sendSeconds, Percentiles latencies) {
        double outcomesPerSecond() {
            return done / seconds;
        }
    }

    /** Sends the records (all at once when rate <= 0, else paced at rate/s) and waits for every outcome. */
    private static Phase runPhase(
            KafkaProducer<byte[], byte[]> producer,
            OutcomeCounter outcomes,
            List<Map.Entry<byte[], byte[]>> records,
            double rate)
            throws InterruptedException {
        int before = outcomes.outcomes();
        int curatedBefore = outcomes.curated();
        Map<String, Long> sentAt = new HashMap<>();
        List<Double> latenciesMs = new ArrayList<>(records.size());
        long start = System.nanoTime();
        long lastOutcome = start;
        long allSent = start;
        int next = 0;
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while ((next < records.size() || outcomes.outcomes() - before < records.size())
                && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            int due = rate <= 0 ? records.size() : (int) Math.min(records.size(), 1 + (now - start) / 1e9 * rate);
            for (; next < due; next++) {
                var e = records.get(next);
                sentAt.put(new String(e.getKey(), StandardCharsets.UTF_8), System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.PAIRS_RAW, e.getKey(), e.getValue()));
            }
            if (next == records.size() && allSent == start) {
                producer.flush();
                allSent = System.nanoTime();
            }
            for (ConsumerRecord<byte[], byte[]> r : outcomes.poll(Duration.ofMillis(rate <= 0 ? 200 : 5))) {
                Long t = sentAt.remove(pairIdOf(r));
                if (t != null) {
                    long at = System.nanoTime();
                    latenciesMs.add((at - t) / 1e6);
                    lastOutcome = at;
                }
            }
        }
        int done = outcomes.outcomes() - before;
        if (done < records.size()) {
            throw new IllegalStateException("only " + done + " of " + records.size() + " outcomes within the deadline");
        }
        return new Phase(
                done,
                outcomes.curated() - curatedBefore,
                (lastOutcome - start) / 1e9,
                (allSent - start) / 1e9,
                new Percentiles(
                        latenciesMs.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static List<DemoPair> testSplit(int count) throws Exception {
        if (count <= 0) {
            return List.of();
        }
        List<DemoPair> out = new ArrayList<>();
        for (FashionMnist.Sample s : FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, count)) {
            out.add(new DemoPair(
                    "fmnist-test-" + s.index(),
                    "fashion",
                    "a warm-up photo of a " + s.className() + " number " + s.index(),
                    io.clipstream.datasets.GreyImages.toPng(s.pixels(), FashionMnist.SIDE, FashionMnist.SIDE)));
        }
        return out;
    }

    private static List<Map.Entry<byte[], byte[]>> encode(List<DemoPair> pairs, String prefix) {
        Instant now = Instant.now();
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>(pairs.size());
        for (DemoPair p : pairs) {
            String id = prefix + "-" + p.pairId();
            PairSubmitted e = PairSubmitted.of(
                    id,
                    "fashion-mnist",
                    p.domain(),
                    p.text(),
                    Base64.getEncoder().encodeToString(p.image()),
                    null,
                    Map.of(),
                    now);
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

    private CuratorBench() {}
}
