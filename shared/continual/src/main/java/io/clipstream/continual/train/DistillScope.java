package io.clipstream.continual.train;

/** Which pairs of a training batch the distillation from the previous model is computed on. */
public enum DistillScope {
    /**
     * The whole batch, new-domain pairs included (LwF). The default: in the benchmark it kept the base domain best, as
     * matching the teacher on the new domain's images also holds the shared image features in place.
     */
    BATCH("batch"),
    /**
     * Only the replayed pairs of earlier domains: the teacher is matched where it is competent and the new domain is
     * left to the contrastive loss. More plastic candidates, but in the benchmark they broke the base-domain bound
     * more often and the gate cut them back with WiSE-FT (see shared/continual/README.md, "Distillation scope").
     */
    REPLAY("replay");

    private final String id;

    DistillScope(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
