package io.clipstream.trainer.api;

import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.run.RunScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/** DOWN when trigger checks keep failing or the feed stopped reading (see {@link LivenessVerdict}). */
@Liveness
@ApplicationScoped
public class TrainerLiveness implements HealthCheck {
    @Inject
    RunScheduler scheduler;

    @Inject
    TrainerConfig cfg;

    @Inject
    Clock clock;

    @Override
    public HealthCheckResponse call() {
        LivenessVerdict v = LivenessVerdict.of(
                scheduler.failedChecks(),
                scheduler.feedHealth(),
                clock.instant(),
                cfg.feed().maxDown());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("trainer").status(v.up());
        v.data().forEach((k, value) -> {
            if (value instanceof Number n) {
                b.withData(k, n.longValue());
            } else {
                b.withData(k, String.valueOf(value));
            }
        });
        return b.build();
    }
}
