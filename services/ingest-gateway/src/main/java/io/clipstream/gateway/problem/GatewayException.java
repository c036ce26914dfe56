package io.clipstream.gateway.problem;

import io.clipstream.contracts.ReasonCode;

/** A refusal with a gateway reason code (401, 413, 415...) raised outside body validation. */
public class GatewayException extends RuntimeException {
    private final ReasonCode reason;

    public GatewayException(ReasonCode reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }
}
