package io.clipstream.refresh.serve;

import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.Hit;
import io.clipstream.refresh.index.Target;
import io.clipstream.storage.Parallel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Answers queries from the live generation: the query is embedded by that generation's encoder and searched in
 * its index under one lease, so both are the same model version even while a swap happens.
 */
public final class Searcher implements AutoCloseable {
    private final LiveIndex live;
    private final int candidates;
    /** Searches the experts' spaces of one query side by side; null: one after another on the request's thread. */
    private final ExecutorService expertSearches;

    /** No index serves yet (the first build is running). */
    public static final class NotServing extends Exception {
        public NotServing() {
            super("no index serves yet: the first build is running");
        }
    }

    /** @param version the model version that embedded the query and the vectors */
    public record Answer(int version, String index, Target target, List<Hit> hits) {}

    public Searcher(LiveIndex live, int candidates) {
        this(live, candidates, 1);
    }

    /** @param expertThreads how many experts' spaces one query searches at once (1: one after another) */
    public Searcher(LiveIndex live, int candidates, int expertThreads) {
        this.live = live;
        this.candidates = candidates;
        AtomicInteger n = new AtomicInteger();
        this.expertSearches = expertThreads <= 1
                ? null
                : Executors.newFixedThreadPool(expertThreads, r -> {
                    Thread t = new Thread(r, "expert-search-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public Answer byText(String query, Target target, int k, Filter filter) throws NotServing, IOException {
        return answer(g -> g.encoder().queryText(query), target, k, filter);
    }

    public Answer byImage(BufferedImage image, Target target, int k, Filter filter) throws NotServing, IOException {
        return answer(g -> g.encoder().queryImage(image), target, k, filter);
    }

    /**
     * The query's vector in each space of the generation (one, or one per expert) searched in that space, and the
     * answers merged on their scores.
     */
    private Answer answer(
            Function<Generation, List<VersionEncoder.QueryVector>> embed, Target target, int k, Filter filter)
            throws NotServing, IOException {
        Optional<LiveIndex.Lease> lease = live.lease();
        if (lease.isEmpty()) {
            throw new NotServing();
        }
        try (LiveIndex.Lease l = lease.get()) {
            Generation g = l.generation();
            List<VersionEncoder.QueryVector> vectors = embed.apply(g);
            Filter f = filter == null ? Filter.NONE : filter;
            int n = Math.max(k, candidates);
            List<Hit> hits = new ArrayList<>();
            Parallel.IoFunction<VersionEncoder.QueryVector, List<Hit>> search =
                    q -> g.index().search(target, q.vector(), n, f.withExpert(q.expert()));
            if (expertSearches == null || vectors.size() == 1) {
                for (VersionEncoder.QueryVector q : vectors) {
                    hits.addAll(search.apply(q));
                }
            } else {
                Parallel.map(vectors, expertSearches, search).forEach(hits::addAll);
            }
            hits.sort(Comparator.comparingDouble(Hit::score).reversed());
            return new Answer(
                    g.version(), g.index().name(), target, hits.size() > k ? List.copyOf(hits.subList(0, k)) : hits);
        }
    }

    @Override
    public void close() {
        if (expertSearches != null) {
            expertSearches.shutdownNow();
        }
    }
}
