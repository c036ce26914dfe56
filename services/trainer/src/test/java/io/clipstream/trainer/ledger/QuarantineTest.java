package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which quarantined domains a run takes back. */
class QuarantineTest {
    private static Quarantine.Entry entry(String domain, boolean retryRequested) {
        PairRef r = new PairRef("ab".repeat(32), domain + "-1", domain, "pairs/images/x.png", "a caption", 0, 7);
        return new Quarantine.Entry(
                domain,
                List.of(r),
                "m-run-3",
                List.of("new domain " + domain + " ..."),
                Instant.EPOCH,
                1,
                retryRequested);
    }

    @Test
    void aRunTakesBackTheDomainsItBringsNewPairsOfAndThoseAnOperatorAskedFor() {
        Map<String, Quarantine.Entry> held = Map.of(
                "sketch",
                entry("sketch", false),
                "rotated",
                entry("rotated", true),
                "inverted",
                entry("inverted", false));
        assertThat(Quarantine.releasable(held, Set.of("sketch", "plain"))).containsExactly("rotated", "sketch");
        assertThat(Quarantine.releasable(held, Set.of())).containsExactly("rotated");
        assertThat(Quarantine.releasable(Map.of(), Set.of("sketch"))).isEmpty();
    }
}
