package io.clipstream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.Topics;
import io.clipstream.testkit.Infra;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.builder.MultiPartSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway against the testkit's real Kafka broker: what is accepted lands on pairs.raw
 * with key = pairId; what is refused gets problem JSON, lands nowhere, and leaves the service able
 * to accept the next request.
 */
@QuarkusIntegrationTest
@WithTestResource(GatewayInfraResource.class)
class IngestGatewayIT {
    static final String KEY = "test-key-0123456789abcdef";
    static final String OTHER_KEY = "other-key-0123456789abcdef";
    static final String PROBLEM_JSON = "application/problem+json";
    static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    static final String IMAGE_B64 = Base64.getEncoder().encodeToString(IMAGE);

    static KafkaConsumer<String, PairSubmitted> consumer;
    static List<TopicPartition> partitions;
    static final Map<String, ConsumerRecord<String, PairSubmitted>> seen = new ConcurrentHashMap<>();

    @BeforeAll
    static void consumePairsRaw() {
        Map<String, Object> config = new java.util.HashMap<>(Infra.shared().kafkaClientConfig());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), EventSerdes.pairSubmitted().deserializer());
        partitions = consumer.partitionsFor(Topics.PAIRS_RAW).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    @AfterAll
    static void close() {
        consumer.close();
    }

    /** Awaits the record of this pair on pairs.raw (polling the real broker, no sleeps). */
    static ConsumerRecord<String, PairSubmitted> awaitRecord(String pairId) {
        await().atMost(Duration.ofSeconds(30))
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.put(r.key(), r));
                    return seen.containsKey(pairId);
                });
        return seen.get(pairId);
    }

    static long endOffsetSum() {
        return consumer.endOffsets(partitions).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    static String pairJson(String pairId, String text) {
        return """
                {"pairId":"%s","domain":"fashion","text":"%s","imageBase64":"%s","attributes":{"sku":"A-1"}}
                """.formatted(pairId, text, IMAGE_B64);
    }

    /** A valid request after a refused one: the service is still up and publishing. */
    static void stillServes() {
        String id = "after-" + UUID.randomUUID();
        postJson(pairJson(id, "still here")).statusCode(202).body("pairId", equalTo(id));
        assertThat(awaitRecord(id).value().text()).isEqualTo("still here");
    }

    static ValidatableResponse postJson(String body) {
        return given().header("X-Api-Key", KEY)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/pairs")
                .then();
    }

    static ValidatableResponse assertProblem(ValidatableResponse response, int status, String reason) {
        return response.statusCode(status)
                .contentType(startsWith(PROBLEM_JSON))
                .body("status", equalTo(status))
                .body("reason", equalTo(reason))
                .body(
                        "type",
                        equalTo("https://clipstream.io/problems/"
                                + reason.toLowerCase().replace('_', '-')))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    @Test
    void jsonPairLandsOnPairsRawKeyedByPairId() {
        String id = "json-" + UUID.randomUUID();
        postJson(pairJson(id, "a red cotton shirt"))
                .statusCode(202)
                .header("X-Pair-Id", id)
                .body("pairId", equalTo(id))
                .body("topic", equalTo(Topics.PAIRS_RAW));

        ConsumerRecord<String, PairSubmitted> record = awaitRecord(id);
        assertThat(record.key()).isEqualTo(id);
        PairSubmitted event = record.value();
        assertThat(event.schemaVersion()).isEqualTo(PairSubmitted.SCHEMA_VERSION);
        assertThat(event.pairId()).isEqualTo(id);
        assertThat(event.source()).isEqualTo("test-producer");
        assertThat(event.domain()).isEqualTo("fashion");
        assertThat(event.text()).isEqualTo("a red cotton shirt");
        assertThat(event.imageBase64()).isEqualTo(IMAGE_B64);
        assertThat(event.imageUri()).isNull();
        assertThat(event.attributes()).containsEntry("sku", "A-1");
        assertThat(event.submittedAt()).isNotNull();
    }

    @Test
    void theIdempotencyKeyHeaderNamesThePairAndMustAgreeWithTheBody() {
        String id = "idem-" + UUID.randomUUID();
        String body = "{\"text\":\"a kite\",\"imageBase64\":\"" + IMAGE_B64 + "\"}";
        given().header("X-Api-Key", KEY)
                .header("Idempotency-Key", id)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/pairs")
                .then()
                .statusCode(202)
                .body("pairId", equalTo(id));
        assertThat(awaitRecord(id).value().pairId()).isEqualTo(id);
        given().header("X-Api-Key", KEY)
                .header("Idempotency-Key", "another-id")
                .contentType(ContentType.JSON)
                .body(pairJson(id, "a kite"))
                .when()
                .post("/v1/pairs")
                .then()
                .statusCode(400)
                .body("errors[0].pointer", equalTo("#Idempotency-Key"));
    }

    @Test
    void imageReferencesOutsideTheProducersInboxAreRefusedLikeTheCuratorWould() {
        for (String uri : List.of(
                "s3://clipstream/a/../b",
                "s3://clipstream/inbox/test-producer/images/1.png",
                "https://example.com/inbox/other-producer/1.png",
                "s3://elsewhere/inbox/other-producer/1.png")) {
            given().header("Authorization", "Bearer " + OTHER_KEY)
                    .contentType(ContentType.JSON)
                    .body("{\"text\":\"a red kite\",\"imageUri\":\"" + uri + "\"}")
                    .when()
                    .post("/v1/pairs")
                    .then()
                    .statusCode(400)
                    .body("errors[0].pointer", equalTo("/imageUri"));
        }
    }

    @Test
    void generatesThePairIdAcceptsBearerAndLeavesEmptyCaptionsToTheCurator() {
        String id = given().header("Authorization", "Bearer " + OTHER_KEY)
                .contentType(ContentType.JSON)
                .body("{\"text\":\"\",\"imageUri\":\"s3://clipstream/inbox/other-producer/images/1.png\"}")
                .when()
                .post("/v1/pairs")
                .then()
                .statusCode(202)
                .extract()
                .path("pairId");
        assertThat(UUID.fromString(id)).isNotNull();
        PairSubmitted event = awaitRecord(id).value();
        assertThat(event.source()).isEqualTo("other-producer");
        assertThat(event.text()).isEmpty();
        assertThat(event.imageUri()).isEqualTo("s3://clipstream/inbox/other-producer/images/1.png");
        assertThat(event.imageBase64()).isNull();
    }

    @Test
    void aPairWithoutDomainGetsTheProducersDefaultAndForeignDomainsAreRefused() {
        String id = "nodomain-" + UUID.randomUUID();
        postJson("{\"pairId\":\"%s\",\"text\":\"a kite\",\"imageBase64\":\"%s\"}".formatted(id, IMAGE_B64))
                .statusCode(202);
        assertThat(awaitRecord(id).value().domain()).isEqualTo("misc");

        long before = endOffsetSum();
        for (String foreign : List.of("fashion", "base")) {
            assertProblem(
                            given().header("X-Api-Key", OTHER_KEY)
                                    .contentType(ContentType.JSON)
                                    .body("{\"domain\":\"" + foreign + "\",\"text\":\"a kite\",\"imageBase64\":\""
                                            + IMAGE_B64 + "\"}")
                                    .when()
                                    .post("/v1/pairs")
                                    .then(),
                            400,
                            "DOMAIN_NOT_ALLOWED")
                    .body("errors[0].pointer", equalTo("/domain"));
        }
        assertProblem(
                        postJson("{\"domain\":\"x/../y\",\"text\":\"a kite\",\"imageBase64\":\"" + IMAGE_B64 + "\"}"),
                        400,
                        "DOMAIN_INVALID")
                .body("errors[0].pointer", equalTo("/domain"));
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void multipartPairLandsWithTheImageBase64Encoded() {
        String id = "multipart-" + UUID.randomUUID();
        given().header("X-Api-Key", KEY)
                .multiPart("image", "shirt.png", IMAGE, "image/png")
                .multiPart(new MultiPartSpecBuilder("une chemise rouge \u00e9t\u00e9")
                        .controlName("text")
                        .mimeType("text/plain")
                        .charset(StandardCharsets.UTF_8)
                        .build())
                .multiPart("domain", "fashion")
                .multiPart("pairId", id)
                .when()
                .post("/v1/pairs")
                .then()
                .statusCode(202)
                .header("X-Pair-Id", id)
                .body("pairId", equalTo(id));
        PairSubmitted event = awaitRecord(id).value();
        assertThat(event.imageBase64()).isEqualTo(IMAGE_B64);
        assertThat(event.text()).isEqualTo("une chemise rouge \u00e9t\u00e9");
        assertThat(event.domain()).isEqualTo("fashion");
        assertThat(event.source()).isEqualTo("test-producer");
    }

    @Test
    void multipartWithoutImageIsRefused() {
        long before = endOffsetSum();
        assertProblem(
                given().header("X-Api-Key", KEY)
                        .multiPart("text", "no image")
                        .when()
                        .post("/v1/pairs")
                        .then(),
                400,
                "INVALID_FIELD");
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void batchPublishesEveryPair() {
        List<String> ids = IntStream.range(0, 5)
                .mapToObj(i -> "batch-" + i + "-" + UUID.randomUUID())
                .toList();
        String body = ids.stream()
                .map(id -> pairJson(id, "item " + id).strip())
                .collect(Collectors.joining(",", "{\"pairs\":[", "]}"));
        given().header("X-Api-Key", KEY)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/pairs/batch")
                .then()
                .statusCode(202)
                .body("count", equalTo(5))
                .body("pairIds", equalTo(ids))
                .body("pairs", hasSize(5));
        for (String id : ids) {
            ConsumerRecord<String, PairSubmitted> r = awaitRecord(id);
            assertThat(r.key()).isEqualTo(id);
            assertThat(r.value().text()).isEqualTo("item " + id);
        }
    }

    @Test
    void batchWithOneBadPairPublishesNothing() {
        long before = endOffsetSum();
        String body =
                "{\"pairs\":[" + pairJson("ok-" + UUID.randomUUID(), "fine").strip()
                        + ",{\"text\":\"bad\",\"imageBase64\":\"@@not-base64@@\"}]}";
        ValidatableResponse response = given().header("X-Api-Key", KEY)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/pairs/batch")
                .then();
        assertProblem(response, 400, "INVALID_IMAGE_ENCODING");
        response.body("errors[0].pointer", equalTo("/pairs/1/imageBase64"));
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void batchOverThePairLimitIsRefused() {
        String body = IntStream.range(0, 501)
                .mapToObj(i -> "{\"text\":\"t\",\"imageUri\":\"s3://b/" + i + "\"}")
                .collect(Collectors.joining(",", "{\"pairs\":[", "]}"));
        long before = endOffsetSum();
        assertProblem(
                given().header("X-Api-Key", KEY)
                        .contentType(ContentType.JSON)
                        .body(body)
                        .when()
                        .post("/v1/pairs/batch")
                        .then(),
                413,
                "BATCH_TOO_LARGE");
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void invalidJsonIs400() {
        long before = endOffsetSum();
        assertProblem(postJson("{\"text\": \"unterminated"), 400, "INVALID_JSON");
        assertProblem(postJson("[1,2]"), 400, "INVALID_JSON");
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void shapeErrorsAre400WithPointers() {
        ValidatableResponse r =
                postJson("{\"text\":\"t\",\"imageBase64\":\"" + IMAGE_B64 + "\",\"imageUri\":\"s3://b/k\"}");
        assertProblem(r, 400, "INVALID_FIELD");
        r.body("errors[0].pointer", equalTo("/imageUri"));
        stillServes();
    }

    @Test
    void wrongOrMissingApiKeyIs401() {
        long before = endOffsetSum();
        assertProblem(
                given().header("X-Api-Key", "not-a-key")
                        .contentType(ContentType.JSON)
                        .body(pairJson("nope", "x"))
                        .when()
                        .post("/v1/pairs")
                        .then(),
                401,
                "UNAUTHORIZED");
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body(pairJson("nope", "x"))
                        .when()
                        .post("/v1/pairs/batch")
                        .then()
                        .header("WWW-Authenticate", startsWith("Bearer")),
                401,
                "UNAUTHORIZED");
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    @Test
    void oversizedRequestIs413ProblemJson() throws Exception {
        long before = endOffsetSum();
        byte[] big = new byte[4 * 1024 * 1024 + 1]; // max-body-size is 4M
        java.util.Arrays.fill(big, (byte) 'a');
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/pairs");
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            // declared Content-Length: refused before the body is read
            HttpResponse<String> declared = client.send(
                    HttpRequest.newBuilder(uri)
                            .header("X-Api-Key", KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTooLarge(declared);
            // chunked (no Content-Length): refused once the limit is passed
            HttpResponse<String> chunked = client.send(
                    HttpRequest.newBuilder(uri)
                            .header("X-Api-Key", KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTooLarge(chunked);
        }
        assertThat(endOffsetSum()).isEqualTo(before);
        stillServes();
    }

    private static void assertTooLarge(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        assertThat(response.body())
                .contains("\"reason\":\"PAYLOAD_TOO_LARGE\"")
                .contains("\"status\":413")
                .contains("\"type\":\"https://clipstream.io/problems/payload-too-large\"");
    }

    @Test
    void aPairNearTheBodyLimitFitsThroughKafka() {
        byte[] image = new byte[2_900_000]; // ~3.9 MB as base64, just under the 4M body limit
        new Random(7).nextBytes(image);
        String id = "large-" + UUID.randomUUID();
        String body = "{\"pairId\":\"" + id + "\",\"text\":\"big\",\"imageBase64\":\""
                + Base64.getEncoder().encodeToString(image) + "\"}";
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThan(4 * 1024 * 1024);
        postJson(body).statusCode(202);
        assertThat(Base64.getDecoder().decode(awaitRecord(id).value().imageBase64()))
                .isEqualTo(image);
    }

    @Test
    void unsupportedMediaTypeIs415() {
        assertProblem(
                given().header("X-Api-Key", KEY)
                        .contentType(ContentType.TEXT)
                        .body("hello")
                        .when()
                        .post("/v1/pairs")
                        .then(),
                415,
                "UNSUPPORTED_MEDIA_TYPE");
        stillServes();
    }

    @Test
    void healthOpenApiAndMetricsAreServed() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
        given().accept("application/json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/pairs"))
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/pairs/batch"));
        stillServes();
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("clipstream_gateway_requests_total{"))
                .body(containsString("clipstream_gateway_pairs_published_total{"))
                .body(containsString("clipstream_gateway_publish_latency_seconds_count"));
    }
}
