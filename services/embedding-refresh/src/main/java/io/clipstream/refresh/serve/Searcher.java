package io.clipstream.refresh.serve;

import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.Hit;
import io.clipstream.refresh.index.Target;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
        return answer(g -> g.encoder().encodeTexts(List.of(query))[0], target, k, filter);
    }

    public Answer byImage(BufferedImage image, Target target, int k, Filter filter) throws NotServing, IOException {
        return answer(g -> g.encoder().encodeImages(List.of(image))[0], target, k, filter);
    }

    private Answer answer(Function<Generation, float[]> embed, Target target, int k, Filter filter) throws NotServing, IOException {
        Optional<LiveIndex.Lease> lease = live.lease();
        if (lease.isEmpty()) throw new NotServing();
        try (LiveIndex.Lease l = lease.get()) {
            Generation g = l.generation();
            float[] q = embed.apply(g);
            List<Hit> hits = g.index().search(target, q, Math.max(k, candidates), filter);
            return new Answer(g.version(), g.index().name(), target, hits.size() > k ? hits.subList(0, k) : hits);
        }
    }
}
