package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.trainer.ledger.CuratedRecordCheck.Reason;
import io.clipstream.trainer.ledger.RefusedRecords.Refusal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The feed's small parts: the refusals it keeps, and where it reads on. */
class FeedPartsTest {
    @Test
    void onlyTheLastRefusalsAreKeptOldestFirst() {
        RefusedRecords r = new RefusedRecords(3);
        for (int i = 0; i < 5; i++) {
            r.add(new Refusal(0, i, "p" + i, Reason.MALFORMED, "d", Instant.EPOCH));
        }
        assertThat(r.recent()).extracting(Refusal::offset).containsExactly(2L, 3L, 4L);
        assertThat(new RefusedRecords().recent()).isEmpty();
    }

    @Test
    void pendingPairsSayWhereTheFeedReadsOnPerPartition() {
        PendingPairs p = new PendingPairs();
        assertThat(p.readUpTo(0)).isZero();
        p.add(LedgerTest.ref("aa".repeat(32), "plain", 0, 4));
        p.readTo(1, 9);
        p.readTo(0, 3); // never back
        assertThat(p.readUpTo(0)).isEqualTo(5);
        assertThat(p.readUpTo(1)).isEqualTo(9);
    }
}
