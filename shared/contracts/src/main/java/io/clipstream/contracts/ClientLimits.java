package io.clipstream.contracts;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client admission: a token bucket ({@code ratePerSecond} sustained, {@code burst} at once)
 * and a cap on requests in flight, per client (a producer at the gateway, a search key at the
 * refresh). One client over its limits never slows the others.
 */
public final class ClientLimits {

    /** The answer to one request: admitted (and holding an in-flight slot) or refused, with when to retry. */
    public record Decision(boolean admitted, long retryAfterSeconds, String reason) {
        static final Decision ADMITTED = new Decision(true, 0, null);
    }

    private final double ratePerSecond;
    private final int burst;
    private final int maxInFlight;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public ClientLimits(double ratePerSecond, int burst, int maxInFlight, LongSupplier nanoTime) {
        if (ratePerSecond <= 0 || burst < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("rate-per-second, burst and max-in-flight must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxInFlight = maxInFlight;
        this.nanoTime = nanoTime;
    }

    /** Takes a token and an in-flight slot, or neither. An admitted request must be {@link #release released}. */
    public Decision tryAdmit(String client) {
        return buckets.computeIfAbsent(client, p -> new Bucket(burst, nanoTime.getAsLong()))
                .tryAdmit();
    }

    /** The request admitted for {@code client} has been answered. */
    public void release(String client) {
        Bucket b = buckets.get(client);
        if (b != null) {
            b.release();
        }
    }

    public int inFlight(String client) {
        Bucket b = buckets.get(client);
        return b == null ? 0 : b.inFlight();
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;
        private int inFlight;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized Decision tryAdmit() {
            long now = nanoTime.getAsLong();
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * ratePerSecond);
            refilledAt = now;
            if (inFlight >= maxInFlight) {
                return new Decision(false, 1, inFlight + " requests in flight, the limit is " + maxInFlight);
            }
            if (tokens < 1) {
                long wait = (long) Math.ceil((1 - tokens) / ratePerSecond);
                return new Decision(false, Math.max(1, wait), "over " + ratePerSecond + " requests per second");
            }
            tokens -= 1;
            inFlight++;
            return Decision.ADMITTED;
        }

        synchronized void release() {
            if (inFlight > 0) {
                inFlight--;
            }
        }

        synchronized int inFlight() {
            return inFlight;
        }
    }
}
