package io.clipstream.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.Topics;
import io.clipstream.testkit.Infra;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Admission before the body: an unauthenticated upload is answered before a byte of its body is
 * sent; a producer over its rate gets 429 with Retry-After, and what was refused is not on pairs.raw.
 */
@QuarkusIntegrationTest
@WithTestResource(GatewayInfraResource.class)
@TestProfile(AdmissionIT.TightLimits.class)
class AdmissionIT {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "clipstream.gateway.admission.rate-per-second", "1", "clipstream.gateway.admission.burst", "3");
        }
    }

    @Test
    void overTheRateLimitIs429WithRetryAfterAndNothingPublished() {
        List<String> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        // 20 requests at 1/s with a burst of 3: refused unless they take longer than 17 s in all
        for (int i = 0; i < 20; i++) {
            String id = "rate-" + i + "-" + System.nanoTime();
            Response r = given().header("X-Api-Key", IngestGatewayIT.KEY)
                    .contentType(ContentType.JSON)
                    .body(IngestGatewayIT.pairJson(id, "a red kite"))
                    .when()
                    .post("/v1/pairs");
            if (r.statusCode() == 202) {
                accepted.add(id);
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
                assertThat(r.jsonPath().getString("reason")).isEqualTo("TOO_MANY_REQUESTS");
                refused.add(id);
            }
        }
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(3); // the burst
        assertThat(refused).isNotEmpty();

        Set<String> onTopic = readPairsRawUntil(accepted);
        assertThat(onTopic).containsAll(accepted).doesNotContainAnyElementsOf(refused);
    }

    @Test
    void anUnauthenticatedUploadIsRefusedBeforeItsBodyIsSent() throws Exception {
        URI base = URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // headers of a 3 MB multipart upload with a wrong key - and no body at all
            out.write(("POST /v1/pairs HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: wrong-key-0123456789abcdef\r\n"
                            + "Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: 3000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine(); // a server that waited for the body would time out here
            assertThat(status).startsWith("HTTP/1.1 401");
        }
    }

    private static Set<String> readPairsRawUntil(List<String> expected) {
        Map<String, Object> config = new HashMap<>(Infra.shared().kafkaClientConfig());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        Set<String> seen = new HashSet<>();
        try (var consumer = new KafkaConsumer<>(
                config, new StringDeserializer(), EventSerdes.pairSubmitted().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PAIRS_RAW).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && (!seen.containsAll(expected)
                            || partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.key()));
            }
        }
        return seen;
    }
}
