package io.clipstream.trainer.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.clipstream.registry.ModelLayout;
import io.clipstream.trainer.ledger.JsonObjects;
import io.clipstream.trainer.ledger.PairRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A model's frozen evaluation sets ({@code models/<model>/anchors/<domain>.json}) and replay reservoirs
 * ({@code models/<model>/replay/<domain>.json}), as lists of pair references. Both are written before a version's
 * manifest and are idempotent (a pair already present is not added again), so a retried run leaves them as one
 * run would.
 */
public final class PairSets {
    private final JsonObjects objects;
    private final ModelLayout layout;

    /** A reservoir (Vitter's algorithm R) of one domain: the kept pairs and how many were ever offered. */
    public record Reservoir(List<PairRef> items, long seen) {
        public Reservoir {
            items = List.copyOf(items);
        }
    }

    public PairSets(JsonObjects objects, ModelLayout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    /** Domain -> its anchors, for every domain that has some. */
    public Map<String, List<PairRef>> anchors() {
        Map<String, List<PairRef>> out = new LinkedHashMap<>();
        for (String key : objects.store().list(layout.anchorsPrefix())) {
            if (!key.endsWith(".json")) {
                continue;
            }
            String domain = key.substring(layout.anchorsPrefix().length(), key.length() - ".json".length());
            out.put(
                    domain,
                    objects.read(key, new TypeReference<List<PairRef>>() {}).orElse(List.of()));
        }
        return out;
    }

    /** {@code stored} with the pairs of {@code fresh} that it lacks (by sha256) appended, per domain. */
    public static Map<String, List<PairRef>> merge(
            Map<String, List<PairRef>> stored, Map<String, List<PairRef>> fresh) {
        Map<String, List<PairRef>> out = new LinkedHashMap<>();
        stored.forEach((d, l) -> out.put(d, new ArrayList<>(l)));
        fresh.forEach((domain, refs) -> {
            List<PairRef> merged = out.computeIfAbsent(domain, d -> new ArrayList<>());
            Set<String> have = new LinkedHashSet<>();
            merged.forEach(r -> have.add(r.sha256()));
            for (PairRef r : refs) {
                if (have.add(r.sha256())) {
                    merged.add(r);
                }
            }
        });
        return out;
    }

    /**
     * Stores the merged anchors ({@link #merge} of what is stored and {@code fresh}); writes only domains that changed.
     */
    public void addAnchors(Map<String, List<PairRef>> stored, Map<String, List<PairRef>> fresh) {
        merge(stored, fresh).forEach((domain, refs) -> {
            if (!refs.equals(stored.get(domain))) {
                objects.write(layout.anchors(domain), refs);
            }
        });
    }

    public Map<String, Reservoir> reservoirs() {
        Map<String, Reservoir> out = new LinkedHashMap<>();
        for (String key : objects.store().list(layout.replayPrefix())) {
            if (!key.endsWith(".json")) {
                continue;
            }
            String domain = key.substring(layout.replayPrefix().length(), key.length() - ".json".length());
            objects.read(key, Reservoir.class).ifPresent(r -> out.put(domain, r));
        }
        return out;
    }

    /**
     * Offers a run's training pairs to their domains' reservoirs ({@code current}, as {@link #reservoirs} read them
     * at the run's start) and stores the result; seeded, so a retry offers the same way.
     */
    public void offerToReplay(
            Map<String, Reservoir> current, Map<String, List<PairRef>> trained, int capacity, long seed) {
        trained.forEach((domain, refs) -> {
            Reservoir r = current.getOrDefault(domain, new Reservoir(List.of(), 0));
            List<PairRef> items = new ArrayList<>(r.items());
            Set<String> have = new LinkedHashSet<>();
            items.forEach(x -> have.add(x.sha256()));
            long seen = r.seen();
            Random rnd = new Random(seed ^ domain.hashCode() ^ seen);
            for (PairRef ref : refs) {
                if (!have.add(ref.sha256())) {
                    continue;
                }
                seen++;
                if (items.size() < capacity) {
                    items.add(ref);
                } else {
                    long j = (long) (rnd.nextDouble() * seen);
                    if (j < capacity) {
                        items.set((int) j, ref);
                    }
                }
            }
            objects.write(layout.replay(domain), new Reservoir(items, seen));
        });
    }
}
