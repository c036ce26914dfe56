package io.clipstream.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * The gateway's own meters (Prometheus names at /q/metrics):
 * {@code clipstream_gateway_requests_total{outcome,reason,producer}},
 * {@code clipstream_gateway_pairs_published_total{producer}},
 * {@code clipstream_gateway_publish_latency_seconds} (send -> broker ack, histogram).
 */
@ApplicationScoped
public class GatewayMetrics {
    /** Producer tag value when the request carried no valid key. */
    public static final String UNKNOWN_PRODUCER = "unknown";

    @Inject
    MeterRegistry registry;

    private Timer publishLatency;

    @PostConstruct
    void init() {
        publishLatency = Timer.builder("clipstream.gateway.publish.latency")
                .description("Time from send to the broker's acknowledgement, per record")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public void accepted(String producer) {
        requests("accepted", "NONE", producer).increment();
    }

    public void refused(String reason, String producer) {
        requests("refused", reason, producer).increment();
    }

    public void published(String producer, int pairs) {
        Counter.builder("clipstream.gateway.pairs.published")
                .description("Pairs acknowledged by the broker on pairs.raw")
                .tag("producer", producer)
                .register(registry)
                .increment(pairs);
    }

    public void publishLatency(long nanos) {
        publishLatency.record(Duration.ofNanos(nanos));
    }

    private Counter requests(String outcome, String reason, String producer) {
        return Counter.builder("clipstream.gateway.requests")
                .description("Requests to /v1/pairs*, accepted or refused, by reason")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .tag("producer", producer == null ? UNKNOWN_PRODUCER : producer)
                .register(registry);
    }
}
