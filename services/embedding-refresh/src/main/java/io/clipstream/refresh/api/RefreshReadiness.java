package io.clipstream.refresh.api;

import io.clipstream.refresh.serve.LiveIndex;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once an index serves (the first build has swapped in, or the last one was opened again). */
@Readiness
@ApplicationScoped
public class RefreshReadiness implements HealthCheck {
    private final LiveIndex live;

    public RefreshReadiness(LiveIndex live) {
        this.live = live;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("index")
                .status(live.current().isPresent())
                .withData("live", live.current().map(Object::toString).orElse("none"))
                .build();
    }
}
