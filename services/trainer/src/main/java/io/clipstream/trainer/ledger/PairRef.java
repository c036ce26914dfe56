package io.clipstream.trainer.ledger;

import io.clipstream.contracts.PairCurated;

/**
 * A curated pair as the trainer keeps it: enough to materialise it from object storage, and where it was read
 * on pairs.curated (the ledger's unit is the record offset).
 */
public record PairRef(
        String sha256, String pairId, String domain, String imageKey, String caption, int partition, long offset) {

    public static PairRef of(PairCurated c, int partition, long offset) {
        return new PairRef(c.sha256(), c.pairId(), c.domain(), c.imageKey(), c.text(), partition, offset);
    }
}
