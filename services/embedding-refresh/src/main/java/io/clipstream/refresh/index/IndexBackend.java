package io.clipstream.refresh.index;

import java.io.IOException;
import java.util.List;

/**
 * Where indexes live: the embedded Lucene one by default; a distributed engine with the same HNSW past one node.
 * An index is named by the service (one per model version and build) and opened again by that name after a restart.
 */
public interface IndexBackend extends AutoCloseable {

    /** e.g. {@code lucene}; on index.events and the status page. */
    String kind();

    /** Opens the named index, creating it empty when it does not exist. */
    VectorIndex open(String name, int dimension) throws IOException;

    /** Deletes the named index and everything in it; a name that does not exist is not an error. */
    void drop(String name) throws IOException;

    /** The names of the indexes that exist. */
    List<String> names() throws IOException;

    /**
     * Points the backend's own alias {@code alias} at index {@code name}, for readers outside this service (a cluster
     * alias, swapped atomically); nothing to do for an embedded index. Called before the service swaps its live index.
     */
    default void publish(String alias, String name) throws IOException {}

    @Override
    default void close() throws IOException {}
}
