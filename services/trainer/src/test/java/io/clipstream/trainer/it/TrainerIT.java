package io.clipstream.trainer.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionManifest;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer in-process on the real broker and S3 server: a base checkpoint trained on the "plain" domain is put
 * in storage; curated pairs of three domains arrive one after another and each batch triggers a run (by count) that
 * is promoted, with its metrics on model.versions and in storage (MANIFEST.json with every file's sha256); a
 * deliberately harmful domain (captions shuffled across images) is rejected with the gate's reasons and the champion
 * stays; the registry lists the versions over HTTP, a run by hand needs the operator token, and a rollback
 * re-announces an earlier version as the champion. Records no run can take (no domain, a domain outside the grammar,
 * not JSON) among the first domain's pairs are refused with their reasons and stop nothing.
 */
@QuarkusTest
@QuarkusTestResource(ClipStreamInfraResource.class)
class TrainerIT {
    private static final Duration RUN_WAIT = Duration.ofMinutes(5); // the build machine is shared
    private static final int PER_DOMAIN = 300; // = the test's trigger count

    @Inject
    ObjectStore store;

    @Inject
    Registry registry;

    @ConfigProperty(name = "clipstream.topics.curated")
    String curatedTopic;

    @ConfigProperty(name = "clipstream.topics.training-runs")
    String runsTopic;

    @ConfigProperty(name = "clipstream.topics.model-versions")
    String versionsTopic;

    private static KafkaProducer<String, byte[]> producer;
    private RunWatcher watch;

    @BeforeAll
    static void clients() {
        producer = Infra.shared().bytesProducer();
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    /** A request with the operator's token: every /v1 request needs it, reads included. */
    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", "Bearer it-operator-token");
    }

    private void send(String domain, long seed) throws Exception {
        CuratedPairs.send(store, producer, curatedTopic, domain, PER_DOMAIN, seed);
    }

    /** The records of {@link CuratedPairs#unacceptable} were refused with their reasons, and the trainer is live. */
    private static void assertRefusedAndLive() throws Exception {
        JsonNode refused = Json.mapper()
                .readTree(operator()
                        .get("/v1/models/it-tiny/refused")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray());
        List<String> seen = new ArrayList<>();
        refused.get("refused")
                .forEach(r -> seen.add((r.hasNonNull("pairId") ? r.get("pairId").asText() : "-") + " "
                        + r.get("reason").asText()));
        assertThat(seen)
                .containsExactlyInAnyOrder(
                        "no-domain FIELD_MISSING",
                        "climbing-domain DOMAIN_INVALID",
                        "upper-domain DOMAIN_INVALID",
                        "- MALFORMED");
        refused.get("refused").forEach(r -> assertThat(r.get("detail").asText()).isNotBlank());
        operator().get("/v1/models/it-tiny/waiting").then().statusCode(200);
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("clipstream_trainer_curated_refused_total{reason=\"DOMAIN_INVALID\"} 2.0")
                .contains("clipstream_trainer_curated_refused_total{reason=\"FIELD_MISSING\"} 1.0")
                .contains("clipstream_trainer_curated_refused_total{reason=\"MALFORMED\"} 1.0");
        JsonNode live = Json.mapper()
                .readTree(given().get("/q/health/live")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray());
        assertThat(live.get("status").asText()).isEqualTo("UP");
        JsonNode trainer = null;
        for (JsonNode c : live.get("checks")) {
            if (c.get("name").asText().equals("trainer")) {
                trainer = c;
            }
        }
        assertThat(trainer).as("the trainer's liveness check").isNotNull();
        assertThat(trainer.get("data").get("consecutiveFailedChecks").asInt()).isZero();
    }

    private List<TrainingRun> eventsOf(String runId) {
        return watch.runs.stream().filter(r -> r.runId().equals(runId)).toList();
    }

    @Test
    void domainsArrivingOneAfterAnotherArePromotedAHarmfulOneIsRejectedAndTheChampionCanBeRolledBack()
            throws Exception {
        try (RunWatcher w = new RunWatcher(runsTopic, versionsTopic)) {
            watch = w;
            learnThreeDomainsRejectOneAndRollBack();
        }
    }

    private void learnThreeDomainsRejectOneAndRollBack() throws Exception {
        Path tmp = Files.createTempDirectory("trainer-it-base");
        SyntheticDomains.trainBase(tmp.resolve("init"), tmp.resolve("base"));
        registry.uploadBase(tmp.resolve("base"));

        List<String> domains = List.of("plain", "dim", "tinted");
        for (int d = 0; d < domains.size(); d++) {
            // the first domain's pairs have records no run can take among them: they are refused, the run goes on
            CuratedPairs.send(
                    store,
                    producer,
                    curatedTopic,
                    domains.get(d),
                    PER_DOMAIN,
                    1000 + d,
                    d == 0 ? CuratedPairs.unacceptable(curatedTopic) : List.of());
            TrainingRun end = watch.awaitRunEnd(d, RUN_WAIT);
            List<String> states =
                    eventsOf(end.runId()).stream().map(r -> r.state().name()).toList();
            System.out.printf(
                    "run %s (%s): %s %s timings %s metrics %s%n",
                    end.runId(), domains.get(d), end.state(), end.reasons(), end.timings(), end.metrics());
            assertThat(end.state()).as(domains.get(d) + ": " + end.reasons()).isEqualTo(TrainingRun.State.PROMOTED);
            assertThat(states)
                    .startsWith("STARTED")
                    .contains("PROGRESS", "EVALUATING")
                    .endsWith("PROMOTED");
            // precision auto on the CPU is fp32: loss scale 1, nothing skipped
            assertThat(eventsOf(end.runId()).stream()
                            .filter(r -> r.state() == TrainingRun.State.PROGRESS)
                            .map(TrainingRun::progress))
                    .isNotEmpty()
                    .allSatisfy(p -> {
                        assertThat(p.precision()).isEqualTo("fp32");
                        assertThat(p.lossScale()).isEqualTo(1.0);
                        assertThat(p.skippedSteps()).isZero();
                    });
            assertThat(end.trigger()).isEqualTo(TrainingRun.Trigger.COUNT);
            assertThat(end.version()).isEqualTo(d + 1);
            assertThat(end.device()).isEqualTo("cpu");
            assertThat(end.metrics()).containsKey(domains.get(d));
            assertThat(end.metrics().get(domains.get(d))).containsKeys("r1_mean", "i2t_r1", "t2i_r1", "zero_shot");
            assertThat(end.timings().trainSeconds()).isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                watch.poll();
                return watch.versions.size()
                                > watch.versions.stream()
                                        .filter(v -> v.version() <= end.version() - 1)
                                        .count()
                        && watch.versions.get(watch.versions.size() - 1).version() == end.version();
            });
            ModelVersion v = watch.versions.get(watch.versions.size() - 1);
            assertThat(v.announcement()).isEqualTo(ModelVersion.Announcement.PROMOTED);
            assertThat(v.alias()).isEqualTo(ModelVersion.CHAMPION);
            assertThat(v.parentVersion()).isEqualTo(d == 0 ? null : d);
            assertThat(v.dataWindow().pairsPerDomain()).containsEntry(domains.get(d), PER_DOMAIN);
            assertThat(v.metrics()).isEqualTo(end.metrics());
            // in storage: MANIFEST last, every listed file with its sha256
            byte[] manifest = store.get(registry.layout().version(v.version()) + VersionManifest.FILE)
                    .orElseThrow();
            Map<String, String> files = VersionManifest.parse(manifest);
            assertThat(files).containsKeys("adapter_config.json", "adapter_model.safetensors", "metrics.json");
            assertThat(files.get("adapter_model.safetensors")).isEqualTo(v.adapterSha256());
            for (var f : files.entrySet()) {
                assertThat(ContentAddress.sha256Hex(store.get(registry.layout().version(v.version()) + f.getKey())
                                .orElseThrow()))
                        .as(f.getKey())
                        .isEqualTo(f.getValue());
            }
            assertThat(registry.read(v.version()).orElseThrow().metrics()).isEqualTo(v.metrics());
        }
        assertThat(watch.versions).hasSize(3);
        assertRefusedAndLive();

        assertThat(registry.versions()).containsExactly(1, 2, 3);

        send("shuffled", 2000);
        TrainingRun harmful = watch.awaitRunEnd(3, RUN_WAIT);
        System.out.printf(
                "run %s (shuffled): %s %s metrics %s%n",
                harmful.runId(), harmful.state(), harmful.reasons(), harmful.metrics());
        assertThat(harmful.state()).isEqualTo(TrainingRun.State.REJECTED);
        assertThat(harmful.version()).isNull();
        assertThat(harmful.reasons())
                .anyMatch(r -> r.contains("new domain shuffled"))
                .anyMatch(r -> r.contains("domain plain"));
        assertThat(harmful.metrics()).containsKeys("plain", "dim", "tinted", "shuffled");
        watch.poll();
        assertThat(watch.versions)
                .as("a rejection announces nothing: the champion stays")
                .hasSize(3);
        assertThat(registry.versions()).containsExactly(1, 2, 3);

        // the rejected run's training pairs are quarantined, not lost: listed with the gate's reasons, counted, and
        // dropped only by an operator
        JsonNode held = Json.mapper()
                .readTree(operator()
                        .get("/v1/models/it-tiny/quarantine")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray());
        assertThat(held.get("quarantine")).hasSize(1);
        JsonNode shuffled = held.get("quarantine").get(0);
        assertThat(shuffled.get("domain").asText()).isEqualTo("shuffled");
        assertThat(shuffled.get("runId").asText()).isEqualTo(harmful.runId());
        int quarantined = shuffled.get("pairs").asInt();
        assertThat(quarantined)
                .as("its training pairs (its anchors are kept as anchors)")
                .isBetween(1, PER_DOMAIN - 1);
        List<String> heldReasons = new ArrayList<>();
        shuffled.get("reasons").forEach(r -> heldReasons.add(r.asText()));
        assertThat(heldReasons).isEqualTo(harmful.reasons());
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("clipstream_trainer_quarantined_pairs{domain=\"shuffled\"} " + quarantined + ".0");
        // more pairs of the domain: the next run takes the quarantined ones back, and (as harmful) holds them all again
        send("shuffled", 2001);
        TrainingRun again = watch.awaitRunEnd(4, RUN_WAIT);
        assertThat(again.state()).isEqualTo(TrainingRun.State.REJECTED);
        JsonNode heldAgain = Json.mapper()
                .readTree(operator()
                        .get("/v1/models/it-tiny/quarantine")
                        .then()
                        .extract()
                        .asByteArray());
        assertThat(heldAgain.at("/quarantine/0/runId").asText()).isEqualTo(again.runId());
        assertThat(heldAgain.at("/quarantine/0/rejections").asInt()).isEqualTo(2);
        assertThat(heldAgain.at("/quarantine/0/pairs").asInt())
                .as("the first run's pairs and the second's")
                .isGreaterThan(quarantined);
        given().get("/v1/models/it-tiny/quarantine").then().statusCode(401);
        operator()
                .post("/v1/models/it-tiny/quarantine/sketch/retry")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("reason", org.hamcrest.Matchers.is("NOT_QUARANTINED"));
        // an operator's retry starts a run on the quarantined pairs alone (no new pair waits)
        operator()
                .post("/v1/models/it-tiny/quarantine/shuffled/retry")
                .then()
                .statusCode(202)
                .body("runRequested", org.hamcrest.Matchers.is(true));
        TrainingRun retried = watch.awaitRunEnd(5, RUN_WAIT);
        assertThat(retried.trigger()).isEqualTo(TrainingRun.Trigger.MANUAL);
        assertThat(retried.state()).as("still harmful").isEqualTo(TrainingRun.State.REJECTED);
        JsonNode afterRetry = Json.mapper()
                .readTree(operator()
                        .get("/v1/models/it-tiny/quarantine")
                        .then()
                        .extract()
                        .asByteArray());
        assertThat(afterRetry.at("/quarantine/0/runId").asText()).isEqualTo(retried.runId());
        assertThat(afterRetry.at("/quarantine/0/rejections").asInt()).isEqualTo(3);
        assertThat(afterRetry.at("/quarantine/0/retryRequested").asBoolean())
                .as("a rejection clears the request")
                .isFalse();
        assertThat(afterRetry.at("/quarantine/0/pairs").asInt())
                .isEqualTo(heldAgain.at("/quarantine/0/pairs").asInt());
        operator().delete("/v1/models/it-tiny/quarantine/shuffled").then().statusCode(204);
        operator().delete("/v1/models/it-tiny/quarantine/shuffled").then().statusCode(404);
        assertThat(Json.mapper()
                        .readTree(operator()
                                .get("/v1/models/it-tiny/quarantine")
                                .then()
                                .extract()
                                .asByteArray())
                        .get("quarantine"))
                .isEmpty();
        assertThat(given().get("/q/metrics").then().extract().asString())
                .contains("clipstream_trainer_quarantined_pairs{domain=\"shuffled\"} 0.0");

        JsonNode list = Json.mapper()
                .readTree(operator()
                        .get("/v1/models/it-tiny/versions")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray());
        assertThat(list.get("champion").asInt()).isEqualTo(3);
        assertThat(list.get("versions")).hasSize(3);
        given().post("/v1/models/it-tiny/runs").then().statusCode(401);
        // deny by default: reads need the token too; health and metrics are left to the network policy
        given().get("/v1/models/it-tiny/versions").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong")
                .get("/v1/models/it-tiny/refused")
                .then()
                .statusCode(401);
        given().get("/q/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer it-operator-token")
                .post("/v1/models/it-tiny/runs")
                .then()
                .statusCode(409);

        // a rollback needs the operator token: none, or a wrong one, changes nothing
        given().contentType("application/json")
                .body("{\"version\": 2}")
                .post("/v1/models/it-tiny/champion")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer not-the-operator-token")
                .contentType("application/json")
                .body("{\"version\": 2}")
                .post("/v1/models/it-tiny/champion")
                .then()
                .statusCode(401);
        watch.poll();
        assertThat(watch.versions).as("a refused rollback announces nothing").hasSize(3);

        // roll back: version 2 is re-announced as the champion; latestVersion still says 3 exist
        given().header("Authorization", "Bearer it-operator-token")
                .contentType("application/json")
                .body("{\"version\": 2}")
                .post("/v1/models/it-tiny/champion")
                .then()
                .statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            watch.poll();
            return watch.versions.size() == 4;
        });
        ModelVersion rollback = watch.versions.get(3);
        assertThat(rollback.announcement()).isEqualTo(ModelVersion.Announcement.ROLLBACK);
        assertThat(rollback.version()).isEqualTo(2);
        assertThat(rollback.latestVersion()).isEqualTo(3);
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("clipstream_trainer_runs_total{outcome=\"promoted\"} 3.0")
                .contains("clipstream_trainer_runs_total{outcome=\"rejected\"} 3.0")
                .contains("clipstream_trainer_eval{domain=\"tinted\",metric=\"r1_mean\"}")
                .contains("clipstream_trainer_champion_version 2.0"); // after the rollback
    }
}
