package io.clipstream.curator.health;

import io.clipstream.curator.store.StoreStage;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the store stage runs: it restarts itself after any exception, so a stage that is gone died of an
 * {@link Error} (out of memory, say), and nothing would reach pairs.curated any more: the process must be restarted.
 */
@Liveness
@ApplicationScoped
public class StoreStageHealthCheck implements HealthCheck {
    private final StoreStage stage;

    public StoreStageHealthCheck(StoreStage stage) {
        this.stage = stage;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("store-stage").status(!stage.died()).build();
    }
}
