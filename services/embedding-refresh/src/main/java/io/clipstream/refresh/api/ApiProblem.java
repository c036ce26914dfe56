package io.clipstream.refresh.api;

/** A refused request: its status, a reason code and what to change; rendered as problem JSON. */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String reason;

    public ApiProblem(int status, String reason, String detail) {
        super(detail);
        this.status = status;
        this.reason = reason;
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
