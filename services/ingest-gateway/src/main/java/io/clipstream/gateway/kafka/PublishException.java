package io.clipstream.gateway.kafka;

import java.util.List;

/** The broker did not acknowledge every record in time (or refused them): answer 503, the producer retries. */
public final class PublishException extends RuntimeException {
    private final List<String> pairIds;

    public PublishException(String message, List<String> pairIds, Throwable cause) {
        super(message, cause);
        this.pairIds = List.copyOf(pairIds);
    }

    public List<String> pairIds() {
        return pairIds;
    }
}
