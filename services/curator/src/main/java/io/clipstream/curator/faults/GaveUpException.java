package io.clipstream.curator.faults;

/**
 * {@link InPlaceRetry} stopped retrying: the record it was working on goes to pairs.deadletter with
 * this as its error. Never escapes a processor.
 */
public final class GaveUpException extends RuntimeException {
    private final int attempts;

    GaveUpException(String message, int attempts, Throwable last) {
        super(message + ": " + last.getMessage(), last);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }

    /** The class of the failure that made it give up. */
    public String lastErrorClass() {
        return getCause().getClass().getName();
    }
}
