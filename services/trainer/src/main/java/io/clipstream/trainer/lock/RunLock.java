package io.clipstream.trainer.lock;

import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.ModelLayout;
import io.clipstream.trainer.ledger.JsonObjects;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run at a time per model: {@code models/<model>/lock.json}, a lease. It is created with a conditional PUT
 * ({@code If-None-Match: *}), names its owner (one trainer process) and an expiry, is renewed by its owner while the
 * run lives, and is removed only by its owner. A lease that expired belongs to a run that died with its process: the
 * next trainer to want the lock takes it over and says whose it was. A second trainer beside a live run (the k8s Job
 * beside the Deployment) finds the lease valid and does not start.
 *
 * <p>Object storage offers no compare-and-swap on a delete, so two trainers taking over one expired lease at the same
 * moment could both believe they hold it; the version folder's claim ({@link io.clipstream.registry.Registry}) keeps
 * even that from making two versions with one number, and the loser learns it at its next renewal.
 */
public final class RunLock {
    private final JsonObjects objects;
    private final ModelLayout layout;
    private final String owner;
    private final Duration ttl;
    private final Clock clock;

    /**
     * What the lock says about the run that holds it. {@code owner} and {@code expiresAt} are null in a lock written
     * before leases: such a lock counts as expired.
     */
    public record Holder(
            String runId, int attempt, TrainingRun.Trigger trigger, Instant since, String owner, Instant expiresAt) {
        public boolean expired(Instant now) {
            return expiresAt == null || !now.isBefore(expiresAt);
        }

        Holder renewed(Instant until) {
            return new Holder(runId, attempt, trigger, since, owner, until);
        }

        @Override
        public String toString() {
            return "run " + runId + " (attempt " + attempt + ") of trainer " + owner + ", lease until " + expiresAt;
        }
    }

    /** What {@link #acquire} found. */
    public sealed interface Acquired {}

    /** This trainer holds the lock now; {@code previous} is the expired lease it took over, if any. */
    public record Taken(Optional<Holder> previous) implements Acquired {}

    /** Another run's lease is valid: this trainer does not run now. */
    public record HeldBy(Holder holder) implements Acquired {}

    public RunLock(JsonObjects objects, ModelLayout layout, String owner, Duration ttl, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the run lock's lease must be positive, not " + ttl);
        }
        this.objects = objects;
        this.layout = layout;
        this.owner = owner;
        this.ttl = ttl;
        this.clock = clock;
    }

    public String owner() {
        return owner;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Takes the lock for {@code runId}, or takes over an expired lease, or says who holds it. */
    public Acquired acquire(String runId, int attempt, TrainingRun.Trigger trigger) {
        Instant now = clock.instant();
        Holder mine = new Holder(runId, attempt, trigger, now, owner, now.plus(ttl));
        if (objects.create(layout.lock(), mine)) {
            return new Taken(Optional.empty());
        }
        Optional<Holder> current = holder();
        if (current.isEmpty()) {
            // released between the two calls: one more try
            return objects.create(layout.lock(), mine) ? new Taken(Optional.empty()) : held();
        }
        if (!current.get().expired(now)) {
            return new HeldBy(current.get());
        }
        objects.store().delete(layout.lock());
        return objects.create(layout.lock(), mine) ? new Taken(current) : held();
    }

    private Acquired held() {
        return holder().<Acquired>map(HeldBy::new).orElseGet(() -> new HeldBy(null));
    }

    /** Extends this trainer's lease by the ttl from now; false when the lock is no longer this trainer's. */
    public boolean renew() {
        Optional<Holder> current = holder();
        if (current.isEmpty() || !owner.equals(current.get().owner())) {
            return false;
        }
        objects.write(layout.lock(), current.get().renewed(clock.instant().plus(ttl)));
        return true;
    }

    public Optional<Holder> holder() {
        return objects.read(layout.lock(), Holder.class);
    }

    /** Removes the lock if it is this trainer's; true if it was. */
    public boolean release() {
        Optional<Holder> current = holder();
        if (current.isEmpty() || !owner.equals(current.get().owner())) {
            return false;
        }
        objects.store().delete(layout.lock());
        return true;
    }

    /** Removes a lease that expired (its run died with its process); true if it did. */
    public boolean breakExpired(Holder expected) {
        Optional<Holder> current = holder();
        if (current.isEmpty() || !current.get().equals(expected) || !expected.expired(clock.instant())) {
            return false;
        }
        objects.store().delete(layout.lock());
        return true;
    }
}
