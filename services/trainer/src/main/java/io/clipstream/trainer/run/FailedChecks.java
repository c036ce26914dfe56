package io.clipstream.trainer.run;

/**
 * Trigger checks that failed in a row, and why the last one did; a check that passes starts the count again.
 * At {@code max} the trainer is not live: it no longer decides runs, and a restart may cure what a retry did not.
 * Thread-safe.
 */
public final class FailedChecks {
    private final int max;
    private int consecutive;
    private String lastCause;

    public record Snapshot(int consecutive, int max, String lastCause) {
        public boolean tooMany() {
            return consecutive >= max;
        }
    }

    public FailedChecks(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("trigger.max-failed-checks must be at least 1, not " + max);
        }
        this.max = max;
    }

    /** Counts a failed check; returns how many failed in a row now. */
    public synchronized int failed(Throwable cause) {
        lastCause = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return ++consecutive;
    }

    /** Counts a passed check; returns how many had failed in a row before it. */
    public synchronized int passed() {
        int before = consecutive;
        consecutive = 0;
        lastCause = null;
        return before;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(consecutive, max, lastCause);
    }
}
