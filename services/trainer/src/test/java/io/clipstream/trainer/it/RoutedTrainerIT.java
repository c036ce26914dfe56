package io.clipstream.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionManifest;
import io.clipstream.storage.ObjectStore;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import io.clipstream.trainer.ledger.Quarantine;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The trainer with per-domain experts ({@code routed}) on the real broker and S3 server: the base domain's pairs train
 * its expert; then a good domain and a harmful one (captions shuffled across images) arrive together and one run
 * decides each on its own: the good domain's expert is promoted into a version of experts (PEFT's layout, one folder
 * per expert, routing.json with the router and each expert's lineage, announced by routing.json's sha256), the
 * harmful domain is rejected with the gate's reasons and its pairs quarantined, and nothing of the good one is. A
 * domain the operator mapped onto the good domain's expert ({@code expert-of.dim-b=dim}) trains that expert.
 */
@QuarkusTest
@QuarkusTestResource(ClipStreamInfraResource.class)
@TestProfile(RoutedTrainerIT.Routed.class)
class RoutedTrainerIT {
    private static final Duration RUN_WAIT = Duration.ofMinutes(5);
    private static final int PER_DOMAIN = 300;

    /** The test profile's trainer with experts, its own model, bucket and topics, and runs of two domains' pairs. */
    public static class Routed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "clipstream.trainer.train.strategy",
                    "routed",
                    "clipstream.trainer.model",
                    "it-routed",
                    "clipstream.storage.bucket",
                    "trainer-routed-it",
                    "clipstream.topics.curated",
                    "trainer-routed-it.pairs.curated",
                    "clipstream.topics.training-runs",
                    "trainer-routed-it.training.runs",
                    "clipstream.topics.model-versions",
                    "trainer-routed-it.model.versions",
                    "clipstream.trainer.trigger.count",
                    String.valueOf(2 * PER_DOMAIN),
                    "clipstream.trainer.classes.shuffled",
                    "circle,square,star,heart,moon,cloud,tree,house,boat,bird",
                    "clipstream.trainer.expert-of.dim-b",
                    "dim");
        }
    }

    @Inject
    ObjectStore store;

    @Inject
    Registry registry;

    @Inject
    Quarantine quarantine;

    @ConfigProperty(name = "clipstream.topics.curated")
    String curatedTopic;

    @ConfigProperty(name = "clipstream.topics.training-runs")
    String runsTopic;

    @ConfigProperty(name = "clipstream.topics.model-versions")
    String versionsTopic;

    @Test
    void aRunOfAGoodAndAHarmfulDomainPromotesTheGoodExpertAndQuarantinesTheHarmfulDomain() throws Exception {
        Path tmp = Files.createTempDirectory("trainer-routed-it-base");
        SyntheticDomains.trainBase(tmp.resolve("init"), tmp.resolve("base"));
        registry.uploadBase(tmp.resolve("base"));
        try (KafkaProducer<String, byte[]> producer = Infra.shared().bytesProducer();
                RunWatcher watch = new RunWatcher(runsTopic, versionsTopic)) {
            CuratedPairs.send(store, producer, curatedTopic, "plain", 2 * PER_DOMAIN, 3000);
            TrainingRun first = watch.awaitRunEnd(0, RUN_WAIT);
            System.out.printf(
                    "run %s (plain): %s %s metrics %s%n",
                    first.runId(), first.state(), first.reasons(), first.metrics());
            assertThat(first.state()).as("plain: %s", first.reasons()).isEqualTo(TrainingRun.State.PROMOTED);

            // a second producer's dim pairs, declared as dim-b, which the operator mapped onto dim's expert
            CuratedPairs.sendAs(store, producer, curatedTopic, "dim", "dim-b", PER_DOMAIN / 3, 3003, List.of());
            CuratedPairs.send(store, producer, curatedTopic, "dim", PER_DOMAIN - PER_DOMAIN / 3, 3001);
            CuratedPairs.send(store, producer, curatedTopic, "shuffled", PER_DOMAIN, 3002);
            TrainingRun both = watch.awaitRunEnd(1, RUN_WAIT);
            System.out.printf(
                    "run %s (dim + shuffled): %s %s metrics %s%n",
                    both.runId(), both.state(), both.reasons(), both.metrics());
            assertThat(both.state()).as("dim + shuffled: %s", both.reasons()).isEqualTo(TrainingRun.State.PROMOTED);
            assertThat(both.pairsPerDomain()).as("dim-b trains dim's expert").containsOnlyKeys("dim", "shuffled");
            assertThat(both.reasons()).isNotEmpty().allMatch(r -> r.startsWith("shuffled rejected: "));
            ModelVersion v = watch.awaitVersion(both.version(), Duration.ofSeconds(30));

            // a version of experts: plain's and dim's, each in its own PEFT folder; the harmful domain has none
            Path down = tmp.resolve("v" + v.version());
            registry.download(v.version(), v.adapterSha256(), down);
            ExpertSet set = ExpertSet.read(down);
            assertThat(set.expertOfDomain()).containsOnlyKeys("plain", "dim").containsEntry("dim", "dim");
            assertThat(set.experts().get("dim").runId()).isEqualTo(both.runId());
            assertThat(set.experts().get("dim").version()).isEqualTo(v.version());
            assertThat(set.experts().get("dim").pairs()).isPositive();
            assertThat(set.experts().get("plain").version())
                    .as("carried over from the first run's version")
                    .isEqualTo(first.version());
            assertThat(down.resolve("experts/dim/adapter_config.json")).exists();
            Map<String, String> files =
                    VersionManifest.parse(store.get(registry.layout().version(v.version()) + VersionManifest.FILE)
                            .orElseThrow());
            assertThat(files)
                    .containsKeys(
                            ExpertSet.FILE,
                            "experts/dim/" + Registry.ADAPTER_WEIGHTS,
                            "experts/plain/" + Registry.ADAPTER_WEIGHTS)
                    .doesNotContainKey(Registry.ADAPTER_WEIGHTS);
            assertThat(v.gate().checks())
                    .anyMatch(c -> c.startsWith("dim: "))
                    .anyMatch(c -> c.startsWith("shuffled: "));

            // only the harmful domain's training pairs wait in the quarantine, with its reasons
            Map<String, Quarantine.Entry> held = quarantine.all();
            assertThat(held).containsOnlyKeys("shuffled");
            assertThat(held.get("shuffled").runId()).isEqualTo(both.runId());
            assertThat(held.get("shuffled").pairs()).hasSizeBetween(1, PER_DOMAIN - 1);
            assertThat(held.get("shuffled").reasons()).isNotEmpty();
        }
    }
}
