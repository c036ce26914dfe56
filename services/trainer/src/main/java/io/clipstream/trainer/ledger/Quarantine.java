package io.clipstream.trainer.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import io.clipstream.registry.ModelLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The training pairs of rejected runs, by domain ({@code models/<model>/quarantine/<domain>.json}): not thrown away and
 * not counted as trained. A domain's pairs go back into the next run that brings new pairs of that domain, or into the
 * next run after an operator asked for a retry; they leave the quarantine when a run that holds them promotes, and
 * otherwise only when an operator drops them. Runs write it under the run lock; an operator's retry flag and drop are
 * single writes beside them (a drop during a run that took the pairs back and then rejects them holds them again).
 */
public final class Quarantine {
    /**
     * One domain's quarantined pairs.
     *
     * @param runId          the run that rejected them last
     * @param reasons        that run's gate reasons
     * @param rejections     how many runs rejected (some of) them
     * @param retryRequested an operator asked that the next run takes them back
     */
    public record Entry(
            String domain,
            List<PairRef> pairs,
            String runId,
            List<String> reasons,
            Instant at,
            int rejections,
            boolean retryRequested) {
        public Entry {
            pairs = List.copyOf(pairs);
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }

    private static final TypeReference<Entry> ENTRY = new TypeReference<>() {};

    private final JsonObjects objects;
    private final ModelLayout layout;

    public Quarantine(JsonObjects objects, ModelLayout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    /** Every quarantined domain, by name. */
    public Map<String, Entry> all() {
        Map<String, Entry> out = new TreeMap<>();
        for (String key : objects.store().list(layout.quarantinePrefix())) {
            objects.read(key, ENTRY).ifPresent(e -> out.put(e.domain(), e));
        }
        return out;
    }

    public Optional<Entry> get(String domain) {
        return objects.read(layout.quarantine(domain), ENTRY);
    }

    /**
     * Holds {@code pairs} of {@code domain}, rejected by {@code runId}, beside what the domain already holds (each pair
     * once).
     */
    public Entry hold(String domain, Collection<PairRef> pairs, String runId, List<String> reasons, Instant at) {
        Optional<Entry> before = get(domain);
        List<PairRef> all = new ArrayList<>(before.map(Entry::pairs).orElse(List.of()));
        Set<String> have = new HashSet<>();
        all.forEach(r -> have.add(identity(r)));
        for (PairRef r : pairs) {
            if (have.add(identity(r))) {
                all.add(r);
            }
        }
        Entry e = new Entry(
                domain, all, runId, reasons, at, before.map(Entry::rejections).orElse(0) + 1, false);
        objects.write(layout.quarantine(domain), e);
        return e;
    }

    /** Marks {@code domain}'s pairs for the next run; false when it holds none. */
    public boolean requestRetry(String domain) {
        Optional<Entry> e = get(domain);
        if (e.isEmpty()) {
            return false;
        }
        Entry x = e.get();
        objects.write(
                layout.quarantine(domain),
                new Entry(x.domain(), x.pairs(), x.runId(), x.reasons(), x.at(), x.rejections(), true));
        return true;
    }

    /**
     * Drops {@code domain}'s pairs for good (an operator's decision, or a run that trained them promoted); false when
     * it held none.
     */
    public boolean drop(String domain) {
        if (get(domain).isEmpty()) {
            return false;
        }
        objects.store().delete(layout.quarantine(domain));
        return true;
    }

    /** The quarantined domains a run takes back: those whose new pairs it brings, and those an operator asked for. */
    public static Set<String> releasable(Map<String, Entry> held, Set<String> arriving) {
        Set<String> out = new TreeSet<>();
        held.forEach((d, e) -> {
            if (arriving.contains(d) || e.retryRequested()) {
                out.add(d);
            }
        });
        return out;
    }

    /** A record of pairs.curated: two producers' pairs of one image are two records. */
    private static String identity(PairRef r) {
        return r.partition() + "@" + r.offset();
    }
}
