package io.clipstream.refresh.ops;

import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's versions with their metrics, gate and lineage, for the operations view. A version's record never
 * changes once its manifest exists, so each is read once; the list of versions is read again at most every
 * {@code relist} (one LIST request), since a published version appears there before its announcement.
 */
public final class VersionCatalog {
    private final Registry registry;
    private final Clock clock;
    private final Duration relist;
    private final Map<Integer, VersionRecord> records = new ConcurrentHashMap<>();
    private volatile List<Integer> numbers = List.of();
    private volatile Instant listedAt = Instant.EPOCH;

    public VersionCatalog(Registry registry, Clock clock, Duration relist) {
        this.registry = registry;
        this.clock = clock;
        this.relist = relist;
    }

    /** Every version, newest first. */
    public List<VersionRecord> versions() {
        Instant now = clock.instant();
        if (Duration.between(listedAt, now).compareTo(relist) >= 0) {
            numbers = registry.versions();
            listedAt = now;
        }
        List<VersionRecord> out = new ArrayList<>();
        for (int n : numbers.reversed()) {
            VersionRecord r = records.computeIfAbsent(n, k -> registry.read(k).orElse(null));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }
}
