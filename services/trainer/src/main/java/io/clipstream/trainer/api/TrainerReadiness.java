package io.clipstream.trainer.api;

import io.clipstream.trainer.run.RunScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the startup recovery is done and the feed reads pairs.curated. */
@Readiness
@ApplicationScoped
public class TrainerReadiness implements HealthCheck {
    @Inject
    RunScheduler scheduler;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("trainer").status(scheduler.ready()).build();
    }
}
