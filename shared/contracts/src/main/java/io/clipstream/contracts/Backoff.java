package io.clipstream.contracts;

import java.time.Duration;

/**
 * How long to wait before trying again after failures in a row: {@code first}, doubled per failure, at most
 * {@code max}. The one back-off of the services' followers and feeds.
 */
public record Backoff(Duration first, Duration max) {
    public Backoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("the first back-off must be positive, not " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("the longest back-off " + max + " is below the first " + first);
        }
    }

    /** The wait after {@code last}: twice it, at most {@link #max}. */
    public Duration after(Duration last) {
        Duration doubled = last.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }

    /** The wait after {@code failures} failures in a row (1: {@link #first}). */
    public Duration afterFailures(int failures) {
        long millis = first.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
