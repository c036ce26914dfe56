package io.clipstream.trainer.registry;

import io.clipstream.registry.ModelLayout;
import io.clipstream.contracts.TrainingRun;
import java.time.Instant;
import java.util.Optional;

/**
 * One run at a time per model: {@code models/<model>/lock.json}, created with a conditional PUT, removed when the
 * run ends. It outlives the process: a trainer that finds it at startup knows that a run died with its holder.
 */
public final class RunLock {
    private final JsonObjects objects;
    private final ModelLayout layout;

    /** What the lock says about the run that holds it. */
    public record Holder(String runId, int attempt, TrainingRun.Trigger trigger, Instant since) {}

    public RunLock(JsonObjects objects, ModelLayout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    /** True if this call took the lock. */
    public boolean acquire(Holder holder) {
        return objects.create(layout.lock(), holder);
    }

    public Optional<Holder> holder() {
        return objects.read(layout.lock(), Holder.class);
    }

    public void release() {
        objects.store().delete(layout.lock());
    }
}
