package io.clipstream.refresh.serve;

import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.Hit;
import io.clipstream.refresh.index.Target;
import java.awt.image.BufferedImage;
import io.clipstream.refresh.embed.VersionEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Answers queries from the live generation: the query is embedded by that generation's encoder and searched in
 * its index under one lease, so both are the same model version even while a swap happens.
 */
public final class Searcher {
    private final LiveIndex live;
    private final int candidates;

    /** No index serves yet (the first build is running). */
    public static final class NotServing extends Exception {
        public NotServing() {
            super("no index serves yet: the first build is running");
        }
    }

    /** @param version the model version that embedded the query and the vectors */
    public record Answer(int version, String index, Target target, List<Hit> hits) {}

    public Searcher(LiveIndex live, int candidates) {
        this.live = live;
        this.candidates = candidates;
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
    private Answer answer(Function<Generation, List<VersionEncoder.QueryVector>> embed, Target target, int k, Filter filter)
            throws NotServing, IOException {
        Optional<LiveIndex.Lease> lease = live.lease();
        if (lease.isEmpty()) throw new NotServing();
        try (LiveIndex.Lease l = lease.get()) {
            Generation g = l.generation();
            List<Hit> hits = new ArrayList<>();
            for (VersionEncoder.QueryVector q : embed.apply(g)) {
                hits.addAll(g.index().search(target, q.vector(), Math.max(k, candidates), (filter == null ? Filter.NONE : filter).withExpert(q.expert())));
            }
            hits.sort(Comparator.comparingDouble(Hit::score).reversed());
            return new Answer(g.version(), g.index().name(), target, hits.size() > k ? List.copyOf(hits.subList(0, k)) : hits);
        }
    }
}
