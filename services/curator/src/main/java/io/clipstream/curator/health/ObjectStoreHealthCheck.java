package io.clipstream.curator.health;

import io.clipstream.curator.faults.StorageHealth;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the object store answers the curator's probe (the curator cannot curate without
 * it). Not a liveness check: while storage is down the curator pauses and must not be restarted.
 */
@Readiness
@ApplicationScoped
public class ObjectStoreHealthCheck implements HealthCheck {
    private final StorageHealth health;

    public ObjectStoreHealthCheck(StorageHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("object-store").status(health.up());
        if (!health.up()) {
            response.withData("error", health.lastError());
        }
        return response.build();
    }
}
