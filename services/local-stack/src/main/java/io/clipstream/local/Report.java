package io.clipstream.local;

import io.clipstream.contracts.ReasonCode;
import java.util.Map;

/** The closing report of a demo run: pushed, curated, rejected by reason, dead-lettered, lost. */
final class Report {
    private Report() {}

    static void print(int pushed, OutcomeCounter o, double seconds) {
        System.out.println();
        System.out.println("| outcome | pairs |");
        System.out.println("|---|---:|");
        System.out.printf("| pushed | %,d |%n", pushed);
        System.out.printf("| curated | %,d |%n", o.curated());
        System.out.printf("| rejected | %,d |%n", o.rejected());
        for (Map.Entry<ReasonCode, Integer> e : o.rejectedByReason().entrySet()) {
            System.out.printf("| &nbsp;&nbsp;%s | %,d |%n", e.getKey(), e.getValue());
        }
        System.out.printf("| dead-lettered (storage or a bug; replayable) | %,d |%n", o.deadLettered());
        System.out.printf("| lost (pushed - curated - rejected - dead-lettered) | %,d |%n", pushed - o.outcomes());
        System.out.printf(
                "%ncurated + rejected + dead-lettered = %,d of %,d pushed in %.1f s (%.0f pairs/s end to end)%n",
                o.outcomes(), pushed, seconds, o.outcomes() / Math.max(seconds, 1e-9));
        if (o.curatedRecords() != o.curated() || o.rejectedRecords() != o.rejected()) {
            System.out.printf(
                    "note: %d curated and %d rejected records for %d and %d distinct pairs%n",
                    o.curatedRecords(), o.rejectedRecords(), o.curated(), o.rejected());
        }
    }
}
