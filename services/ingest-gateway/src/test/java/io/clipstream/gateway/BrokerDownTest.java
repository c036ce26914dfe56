package io.clipstream.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No broker answers (nothing listens on the configured port): the gateway must not claim success.
 * Submissions get 503 problem JSON with the pair ids to retry with, and readiness is DOWN.
 */
@QuarkusTest
@TestProfile(BrokerDownTest.NoBroker.class)
class BrokerDownTest {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.bootstrap.servers",
                    "127.0.0.1:1",
                    "clipstream.gateway.publish-timeout",
                    "1s",
                    "clipstream.gateway.health.kafka-timeout",
                    "1s");
        }
    }

    @Test
    void submissionsGet503WithThePairIdsToRetry() {
        given().header("X-Api-Key", "test-key-0123456789abcdef")
                .contentType(ContentType.JSON)
                .body("{\"pairId\":\"retry-me\",\"text\":\"t\",\"imageUri\":\"s3://clipstream/inbox/test-producer/k\"}")
                .when()
                .post("/v1/pairs")
                .then()
                .statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .header("Retry-After", "5")
                .body("reason", equalTo("UNAVAILABLE"))
                .body("pairIds", equalTo(java.util.List.of("retry-me")));
        given().header("X-Api-Key", "test-key-0123456789abcdef")
                .contentType(ContentType.JSON)
                .body(
                        "{\"pairs\":[{\"text\":\"a\",\"imageUri\":\"s3://clipstream/inbox/test-producer/1\"},{\"text\":\"b\",\"imageUri\":\"s3://clipstream/inbox/test-producer/2\"}]}")
                .when()
                .post("/v1/pairs/batch")
                .then()
                .statusCode(503)
                .body("pairIds", hasSize(2));
    }

    @Test
    void readinessIsDown() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'kafka' }.status", equalTo("DOWN"));
    }
}
