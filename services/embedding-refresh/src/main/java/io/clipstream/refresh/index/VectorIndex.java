package io.clipstream.refresh.index;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One index of the corpus, embedded with one model version. Writes are upserts by catalogue key (a replayed pair
 * replaces itself), become searchable at the next {@link #refresh()}, and durable at the next {@link #commit}, which
 * stores the feed's positions with them so that a restart resumes where the durable state ends.
 */
public interface VectorIndex extends AutoCloseable {

    String name();

    int dimension();

    void upsert(List<IndexedPair> pairs) throws IOException;

    /** Refuses a pair whose vectors do not have {@code dimension} components, before anything of it is written. */
    static void requireDimension(IndexedPair p, int dimension) {
        if (p.imageVector().length != dimension || p.textVector().length != dimension) {
            throw new IllegalArgumentException(p.sha256() + ": vectors of " + p.imageVector().length + "/"
                    + p.textVector().length + " dimensions in a " + dimension + "-d index");
        }
    }

    /** Makes the writes so far visible to searches. */
    void refresh() throws IOException;

    /** Makes the writes so far durable, together with the feed's next offset per partition. */
    void commit(Map<Integer, Long> positions) throws IOException;

    /** The positions stored by the last {@link #commit}; empty for a new index. */
    Map<Integer, Long> committedPositions() throws IOException;

    /** The {@code k} nearest of {@code target}'s vectors to {@code query} (unit-norm), best first. */
    List<Hit> search(Target target, float[] query, int k, Filter filter) throws IOException;

    /** Pairs visible to searches. */
    long count() throws IOException;

    @Override
    void close() throws IOException;
}
