package io.clipstream.gateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * 202 answer for one pair: its id and where it landed on pairs.raw (the curator's rejections quote partition/offset).
 */
@Schema(name = "PairAccepted")
public record PairAccepted(
        @Schema(examples = "3f1c7a2e-9b7d-4c55-8f0e-2d8f6f1a9c10")
        String pairId,

        @Schema(examples = "pairs.raw") String topic,
        int partition,
        long offset) {}
