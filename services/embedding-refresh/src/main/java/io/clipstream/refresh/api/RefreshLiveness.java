package io.clipstream.refresh.api;

import io.clipstream.contracts.RecordFollower;
import io.clipstream.refresh.ops.OpsJournal;
import io.clipstream.refresh.reindex.Refresher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive while the followers of the loop's topics follow: DOWN, with the follower and its last error named, when one
 * stopped or has failed {@value RecordFollower#FAILING_AFTER} times in a row (a restart of the process is then the
 * remedy); one failure alone is retried with back-off and keeps it UP.
 */
@Liveness
@ApplicationScoped
public class RefreshLiveness implements HealthCheck {
    private final Refresher refresher;
    private final OpsJournal journal;

    public RefreshLiveness(Refresher refresher, OpsJournal journal) {
        this.refresher = refresher;
        this.journal = journal;
    }

    @Override
    public HealthCheckResponse call() {
        List<RecordFollower.Health> followers = List.of(refresher.championWatchHealth(), journal.health());
        HealthCheckResponseBuilder b = HealthCheckResponse.named("followers")
                .status(followers.stream().noneMatch(RecordFollower.Health::failing));
        for (RecordFollower.Health h : followers) {
            b.withData(
                    h.name(),
                    h.failing()
                            ? "failing: " + h.consecutiveFailures() + " in a row, last " + h.lastError()
                            : "following (" + h.failures() + " failures so far)");
        }
        return b.build();
    }
}
