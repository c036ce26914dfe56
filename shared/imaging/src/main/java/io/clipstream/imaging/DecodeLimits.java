package io.clipstream.imaging;

import java.time.Duration;

/**
 * Bounds on decoding one image, beyond the pixel budget of its profile: wall-clock time (a
 * watchdog aborts the reader) and the number of JPEG scans (each scan of a progressive JPEG makes
 * the decoder revisit every coefficient, so thousands of tiny scans cost minutes of CPU).
 */
public record DecodeLimits(Duration timeBudget, int maxJpegScans) {
    /** The defaults (the curator's {@code clipstream.curator.decode.*}). */
    public static final DecodeLimits DEFAULTS = new DecodeLimits(Duration.ofSeconds(5), 100);
}
