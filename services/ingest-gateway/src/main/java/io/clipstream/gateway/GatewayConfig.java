package io.clipstream.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of the gateway ({@code clipstream.gateway.*}). Defaults are repeated and explained in
 * {@code application.properties}; the topic it writes is {@link io.clipstream.contracts.TopicsConfig#raw()}.
 */
@ConfigMapping(prefix = "clipstream.gateway")
public interface GatewayConfig {

    /** Producer name -> API key. The producer name becomes {@code PairSubmitted.source}. */
    Map<String, String> apiKeys();

    /** How long a request waits for the broker's acknowledgement before answering 503. */
    @WithDefault("10s")
    Duration publishTimeout();

    /**
     * The bucket claim-check references must name ({@code s3://<bucket>/inbox/<producer>/...}); the
     * curator's {@code clipstream.storage.bucket}.
     */
    @WithDefault("clipstream")
    String imageBucket();

    Batch batch();

    Admission admission();

    /**
     * Per-producer admission, checked before the body is read: a token bucket of requests and a cap
     * on concurrent requests; over either, 429 with Retry-After.
     */
    interface Admission {
        /** Sustained requests per second per producer (a batch counts as one request). */
        @WithDefault("200")
        double ratePerSecond();

        /** Requests a producer may send at once above the rate. */
        @WithDefault("400")
        int burst();

        /** Requests of one producer being processed at the same time. */
        @WithDefault("32")
        int maxInFlight();
    }

    Limits limits();

    Producer producer();

    Health health();

    interface Health {
        /** Timeout of the Kafka readiness check. */
        @WithDefault("3s")
        Duration kafkaTimeout();
    }

    interface Batch {
        /** Most pairs one {@code POST /v1/pairs/batch} may hold. */
        @WithDefault("500")
        int maxPairs();
    }

    /** Generous shape bounds; the curator applies the real content rules. */
    interface Limits {
        /** Longest pairId, in characters. */
        @WithDefault("128")
        int pairIdLength();

        /** Longest caption, in characters. */
        @WithDefault("16384")
        int textLength();

        /** Longest image URI, in characters. */
        @WithDefault("4096")
        int imageUriLength();

        /** Most attributes of one pair. */
        @WithDefault("64")
        int attributes();

        /** Longest attribute name, in characters. */
        @WithDefault("128")
        int attributeKeyLength();

        /** Longest attribute value, in characters. */
        @WithDefault("2048")
        int attributeValueLength();
    }

    /** Producer settings the gateway chooses; {@code kafka.*} supplies the connection (bootstrap servers, security). */
    interface Producer {
        /** How long the producer waits to fill a batch (Kafka `linger.ms`). */
        @WithDefault("5")
        int lingerMs();

        /** Compression of record batches (Kafka `compression.type`). */
        @WithDefault("lz4")
        String compressionType();

        /** Must exceed the largest record (~ max-body-size); the topic's max.message.bytes must allow it too. */
        @WithDefault("8388608")
        int maxRequestSize();
    }
}
