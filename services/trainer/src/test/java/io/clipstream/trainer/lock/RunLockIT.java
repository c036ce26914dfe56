package io.clipstream.trainer.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.ModelLayout;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import io.clipstream.trainer.ledger.JsonObjects;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run lock as a lease on the real S3 server, between two trainers (the Deployment and a Job beside it): while one
 * renews its lease the other does not start and learns whose run holds it; a lease not renewed expires and is taken
 * over, with the dead run named; the loser can neither renew nor release what is no longer its own.
 */
class RunLockIT {
    private static final ModelLayout LAYOUT = new ModelLayout("lock-it");
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private ObjectStore store;
    private RunLock deployment;
    private RunLock job;

    @BeforeEach
    void connect() {
        Infra infra = Infra.shared();
        store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "lock-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true));
        store.ensureBucket();
        JsonObjects objects = new JsonObjects(store);
        deployment = new RunLock(objects, LAYOUT, "deployment-pod", Duration.ofSeconds(60), clock);
        job = new RunLock(objects, LAYOUT, "job-pod", Duration.ofSeconds(60), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aLiveLeaseKeepsTheOtherTrainerOutAndAnExpiredOneIsTakenOverOnce() {
        assertThat(deployment.acquire("run-1", 1, TrainingRun.Trigger.COUNT))
                .isEqualTo(new RunLock.Taken(Optional.empty()));
        assertThat(job.acquire("run-2", 1, TrainingRun.Trigger.MANUAL))
                .isInstanceOfSatisfying(RunLock.HeldBy.class, h -> {
                    assertThat(h.holder().owner()).isEqualTo("deployment-pod");
                    assertThat(h.holder().runId()).isEqualTo("run-1");
                });

        clock.advance(Duration.ofSeconds(40));
        assertThat(deployment.renew()).isTrue();
        clock.advance(Duration.ofSeconds(40)); // 80 s after the start, 40 s after the renewal: still valid
        assertThat(job.acquire("run-2", 1, TrainingRun.Trigger.MANUAL)).isInstanceOf(RunLock.HeldBy.class);
        assertThat(job.release()).as("not the job's lock to release").isFalse();
        assertThat(deployment.holder()).get().extracting(RunLock.Holder::owner).isEqualTo("deployment-pod");

        clock.advance(Duration.ofSeconds(21)); // the deployment's trainer died: no renewal for a whole lease
        assertThat(job.acquire("run-2", 1, TrainingRun.Trigger.MANUAL))
                .isInstanceOfSatisfying(
                        RunLock.Taken.class,
                        t -> assertThat(t.previous())
                                .get()
                                .extracting(RunLock.Holder::runId, RunLock.Holder::owner)
                                .containsExactly("run-1", "deployment-pod"));
        assertThat(deployment.renew()).as("the lease is the job's now").isFalse();
        assertThat(deployment.release()).isFalse();
        assertThat(job.holder())
                .get()
                .extracting(RunLock.Holder::owner, RunLock.Holder::runId)
                .containsExactly("job-pod", "run-2");

        assertThat(job.release()).isTrue();
        assertThat(job.holder()).isEmpty();
        assertThat(deployment.acquire("run-3", 1, TrainingRun.Trigger.COUNT))
                .isEqualTo(new RunLock.Taken(Optional.empty()));
    }

    @Test
    void aLockWrittenBeforeLeasesCountsAsExpired() {
        new JsonObjects(store)
                .create(
                        LAYOUT.lock(),
                        new java.util.LinkedHashMap<>(java.util.Map.of(
                                "runId",
                                "old-run",
                                "attempt",
                                1,
                                "trigger",
                                "COUNT",
                                "since",
                                "2026-12-01T00:00:00Z")));
        assertThat(job.acquire("run-9", 1, TrainingRun.Trigger.COUNT))
                .isInstanceOfSatisfying(
                        RunLock.Taken.class,
                        t -> assertThat(t.previous())
                                .get()
                                .extracting(RunLock.Holder::runId)
                                .isEqualTo("old-run"));
    }

    @Test
    void breakingAnExpiredLeaseLeavesALeaseThatWasRenewedMeanwhile() {
        deployment.acquire("run-1", 1, TrainingRun.Trigger.COUNT);
        RunLock.Holder seen = deployment.holder().orElseThrow();
        clock.advance(Duration.ofSeconds(61));
        assertThat(deployment.renew()).isTrue(); // it was alive after all
        assertThat(job.breakExpired(seen)).isFalse();
        assertThat(deployment.holder()).isPresent();
    }

    /** A clock the test moves: leases expire without waiting for them. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
