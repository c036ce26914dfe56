package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LedgerTest {
    static PairRef ref(String sha, String domain, int partition, long offset) {
        return new PairRef(
                sha,
                "p" + offset,
                domain,
                io.clipstream.storage.ContentAddress.imageKey(sha, "png"),
                "a caption",
                partition,
                offset);
    }

    @Test
    void anchorsAreADeterministicShareByContentHash() {
        long anchors = IntStream.range(0, 10_000)
                .mapToObj(i -> io.clipstream.storage.ContentAddress.sha256Hex(("pair-" + i).getBytes()))
                .filter(sha -> Anchors.isAnchor(sha, 0.1))
                .count();
        assertThat(anchors).isBetween(800L, 1200L);
        String sha = "ab".repeat(32);
        assertThat(Anchors.isAnchor(sha, 0.3)).isEqualTo(Anchors.isAnchor(sha, 0.3));
        assertThat(Anchors.isAnchor(sha, 0)).isFalse();
        assertThat(Anchors.isAnchor(sha, 1)).isTrue();
    }

    @Test
    void aFinishedRunCutsItsWindowAndTheLedgerOnlyMovesForward() {
        PendingPairs p = new PendingPairs();
        p.add(ref("aa".repeat(32), "plain", 0, 0));
        p.add(ref("bb".repeat(32), "tinted", 1, 5));
        PendingPairs.Snapshot s = p.snapshot();
        p.add(ref("cc".repeat(32), "tinted", 1, 7)); // arrives while the run trains
        assertThat(s.perDomain()).containsEntry("plain", 1).containsEntry("tinted", 1);
        p.cut(s.readUpTo());
        assertThat(p.size()).isEqualTo(1);
        assertThat(p.perDomain()).containsOnlyKeys("tinted");

        LedgerState l = LedgerState.empty().advancedTo(s.readUpTo()).finished(Instant.EPOCH, true);
        assertThat(l.next(0)).isEqualTo(1);
        assertThat(l.next(1)).isEqualTo(6);
        assertThat(l.advancedTo(Map.of(1, 3L)).next(1)).isEqualTo(6);
        assertThat(l.lastPromotedAt()).isEqualTo(Instant.EPOCH);
    }
}
