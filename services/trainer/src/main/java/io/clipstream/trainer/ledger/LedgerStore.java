package io.clipstream.trainer.ledger;

import io.clipstream.registry.ModelLayout;

/** Reads and writes a model's {@link LedgerState} ({@code models/<model>/ledger.json}). */
public final class LedgerStore {
    private final JsonObjects objects;
    private final ModelLayout layout;

    public LedgerStore(JsonObjects objects, ModelLayout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    public LedgerState load() {
        return objects.read(layout.ledger(), LedgerState.class).orElse(LedgerState.empty());
    }

    /** Only under the run lock: two trainers writing it at once would lose one's update. */
    public void save(LedgerState state) {
        objects.write(layout.ledger(), state);
    }

    /**
     * Claims the next run number ({@code models/<model>/runs/<n>.json}, created with a conditional PUT), so that two
     * trainers numbering a run at once get two numbers without writing the ledger outside the run lock. A number whose
     * run never started (its trainer found the lock taken) is a gap; the ledger's {@code runs}, moved under the lock
     * when a run starts, is where the next claim begins.
     */
    public int claimRunNumber(String owner, java.time.Instant at) {
        int from = load().runs() + 1;
        for (int n = from; n < from + MAX_RUN_CLAIM_TRIES; n++) {
            if (objects.create(layout.runClaim(n), java.util.Map.of("owner", owner, "claimedAt", at.toString()))) {
                return n;
            }
        }
        throw new IllegalStateException(
                "no free run number for " + layout.model() + " in " + from + ".." + (from + MAX_RUN_CLAIM_TRIES - 1));
    }

    /** Claims of numbers past the ledger's {@code runs} a trainer tries before it gives up. */
    static final int MAX_RUN_CLAIM_TRIES = 1000;

    /** The number of a run id ({@code <model>-run-<n>}). */
    public static int runNumber(String runId) {
        return Integer.parseInt(runId.substring(runId.lastIndexOf("-run-") + "-run-".length()));
    }
}
