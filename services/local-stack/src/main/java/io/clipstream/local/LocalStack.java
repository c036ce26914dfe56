package io.clipstream.local;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.contracts.Principal;
import io.clipstream.contracts.Topics;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.local.producer.DemoPair;
import io.clipstream.local.producer.GatewayClient;
import io.clipstream.local.producer.PairSources;
import io.clipstream.local.producer.PushPairs;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.InfraOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-command local run: starts the embedded broker and object store (or uses containers /
 * external endpoints, see {@link InfraOptions}), puts a base checkpoint (the generated tiny CLIP) in the
 * registry, starts the curator, the ingest gateway and embedding refresh, streams a Fashion-MNIST demo
 * set through the gateway and reports what became of every pair and how soon it was searchable.
 *
 * <pre>LocalStack [--pairs 5000] [--freshness-probes 40] [--keep-running] [--timeout-seconds 600]</pre>
 */
public final class LocalStack {
    static final String DEMO_SOURCE = "fashion-mnist";

    public static void main(String[] args) throws Exception {
        int pairs = 5000;
        boolean keepRunning = false;
        int probes = 40;
        Duration timeout = Duration.ofMinutes(10);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--keep-running" -> keepRunning = true;
                case "--freshness-probes" -> probes = Integer.parseInt(args[++i]);
                case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> {
                    System.err.println("usage: LocalStack [--pairs N] [--freshness-probes N] [--keep-running] [--timeout-seconds S]");
                    System.exit(2);
                }
            }
        }
        List<DemoPair> demo = PairSources.fashionMnist(FashionMnist.defaultDir(), pairs, "fashion");
        System.exit(run(Path.of("").toAbsolutePath(), demo, keepRunning, timeout, probes).isComplete() ? 0 : 1);
    }

    /** What became of a demo run's pairs. */
    public record Outcome(int pushed, Set<String> curated, Map<String, List<ReasonCode>> rejected, long searchable,
                          FreshnessProbe.Result freshness) {
        /** Every pushed pair reached exactly one outcome: nothing lost, nothing doubled. */
        public boolean isComplete() {
            return curated.size() + rejected.size() == pushed && java.util.Collections.disjoint(curated, rejected.keySet());
        }
    }

    /**
     * Starts the stack, pushes the pairs through the gateway (as producer {@value #DEMO_SOURCE}) and
     * waits until each has an outcome or the timeout passes.
     */
    public static Outcome run(Path root, List<DemoPair> pairs, boolean keepRunning, Duration timeout) throws Exception {
        return run(root, pairs, keepRunning, timeout, 0);
    }

    /** As {@link #run(Path, List, boolean, Duration)}, then {@code probes} freshness probes one at a time. */
    public static Outcome run(Path root, List<DemoPair> pairs, boolean keepRunning, Duration timeout, int probes) throws Exception {
        Path logDir = Files.createDirectories(root.resolve(".clipstream/logs"));
        String apiKey = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
        String searchKey = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
        Path refreshData = Files.createTempDirectory("clipstream-refresh-data");

        long t0 = System.nanoTime();
        try (Infra infra = Infra.start(InfraOptions.fromEnvironment())) {
            System.out.println("infrastructure up: " + infra + " (" + secondsSince(t0) + " s)");
            StackTopics.create(infra);
            BaseCheckpoint.put(infra, refreshData);
            ServiceLauncher launcher = new ServiceLauncher(root, logDir);
            try (var curator = launcher.start("curator", Principal.CURATOR, infra, Map.of(), Duration.ofMinutes(3));
                 var gateway = launcher.start("ingest-gateway", Principal.GATEWAY, infra,
                         Map.of("clipstream.gateway.api-keys." + DEMO_SOURCE, apiKey), Duration.ofMinutes(3));
                 var refresh = launcher.start("embedding-refresh", Principal.REFRESH, infra,
                         Map.of("clipstream.refresh.api-keys.demo", searchKey, "clipstream.refresh.model", BaseCheckpoint.MODEL,
                                 "clipstream.refresh.data-dir", refreshData.resolve("data").toString(), "clipstream.refresh.device", "cpu",
                                 "clipstream.topics.create", "false"),
                         Duration.ofMinutes(3), "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true");
                 var outcomes = new OutcomeCounter(infra.kafkaClientConfig(Principal.OPERATOR), Topics.PAIRS_CURATED, Topics.PAIRS_REJECTED,
                         Topics.PAIRS_DEADLETTER)) {
                System.out.println("curator up (" + curator.uri() + "), gateway up (" + gateway.uri() + "), embedding refresh up ("
                        + refresh.uri() + "), logs in " + logDir + " (" + secondsSince(t0) + " s)");

                long pushStart = System.nanoTime();
                int pushed = PushPairs.push(new GatewayClient(gateway.uri(), apiKey), pairs, PushPairs.DEFAULT_BATCH);
                boolean complete = outcomes.awaitUntil(o -> o.outcomes() >= pushed, timeout, new ProgressPrinter(outcomes, pushed));
                double seconds = (System.nanoTime() - pushStart) / 1e9;
                Report.print(pushed, outcomes, seconds);
                if (!complete) {
                    System.out.println("TIMEOUT: only " + outcomes.outcomes() + " of " + pushed
                            + " pairs reached an outcome within " + timeout.toSeconds() + " s");
                }
                RefreshClient search = new RefreshClient(refresh.uri(), searchKey);
                boolean indexed = search.awaitLivePairs(outcomes.curated(), Duration.ofMinutes(2));
                Map<String, Double> fresh = search.freshness();
                System.out.printf("%nsearchable: %,d of %,d curated pairs in the live index (model %s v%d)%s; gateway 202 -> searchable during"
                                + " the stream (a burst: mostly waiting behind earlier pairs): p50 %.2f s, p99 %.2f s%n",
                        search.status().path("livePairs").asLong(), outcomes.curated(), BaseCheckpoint.MODEL,
                        search.status().path("liveVersion").asInt(), indexed ? "" : " (TIMEOUT)",
                        fresh.getOrDefault("0.5", Double.NaN), fresh.getOrDefault("0.99", Double.NaN));
                long searchable = search.status().path("livePairs").asLong();
                FreshnessProbe.Result probed = null;
                if (probes > 0) {
                    probed = FreshnessProbe.run(new GatewayClient(gateway.uri(), apiKey), search, probes, Duration.ofMillis(500),
                            Duration.ofSeconds(30));
                    System.out.println("freshness at a trickle (one pair every 0.5 s, gateway 202 -> found by its own image): "
                            + probed.describe());
                }
                Outcome result = new Outcome(pushed, Set.copyOf(outcomes.curatedIds()), Map.copyOf(outcomes.rejectedReasons()),
                        searchable, probed);
                if (keepRunning) {
                    System.out.println("stack is running: gateway " + gateway.uri() + "/q/swagger-ui, API key "
                            + apiKey + "; search page " + refresh.uri() + "/#key=" + searchKey + "; Kafka "
                            + infra.kafkaBootstrapServers() + ", S3 " + infra.s3Endpoint() + ". Ctrl-C to stop.");
                    Map<String, String> op = infra.quarkusConfig(Principal.OPERATOR);
                    System.out.println("follow the ops topics: KAFKA_BOOTSTRAP_SERVERS=" + infra.kafkaBootstrapServers()
                            + " KAFKA_SECURITY_PROTOCOL=" + op.getOrDefault("kafka.security.protocol", "PLAINTEXT")
                            + " CLIPSTREAM_KAFKA_USER=" + op.getOrDefault("clipstream.kafka.user", "") + " CLIPSTREAM_KAFKA_PASSWORD="
                            + op.getOrDefault("clipstream.kafka.password", "") + " ./mvnw -q -pl services/local-stack exec:java"
                            + " -Dexec.mainClass=io.clipstream.local.ops.FollowOps -Dexec.args=--from-beginning");
                    Thread.currentThread().join();
                }
                return result;
            }
        } finally {
            io.clipstream.testkit.ChildJvm.deleteRecursively(refreshData);
        }
    }

    private static String secondsSince(long t0) {
        return String.format("%.1f", (System.nanoTime() - t0) / 1e9);
    }

    /** Prints the outcome counts at most every two seconds. */
    private static final class ProgressPrinter implements Runnable {
        private final OutcomeCounter outcomes;
        private final int pushed;
        private long last;

        ProgressPrinter(OutcomeCounter outcomes, int pushed) {
            this.outcomes = outcomes;
            this.pushed = pushed;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            if (now - last > 2_000_000_000L) {
                last = now;
                System.out.printf("  outcomes %,d / %,d (curated %,d, rejected %,d)%n",
                        outcomes.outcomes(), pushed, outcomes.curated(), outcomes.rejected());
            }
        }
    }

    private LocalStack() {
    }
}
