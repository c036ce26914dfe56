package io.clipstream.refresh.api;

/** A refused request: its status, a reason code and what to change; rendered as problem JSON. */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String reason;
    private final long retryAfterSeconds;

    public ApiProblem(int status, String reason, String detail) {
        this(status, reason, detail, 0);
    }

    /** @param retryAfterSeconds sent as Retry-After when positive */
    public ApiProblem(int status, String reason, String detail, long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiProblem badQuery(String detail) {
        return new ApiProblem(400, "INVALID_QUERY", detail);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
