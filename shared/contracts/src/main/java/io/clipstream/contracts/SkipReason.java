package io.clipstream.contracts;

import java.util.List;

/**
 * Why a service that reads curated pairs back (the trainer materialising a run, embedding refresh indexing) had to
 * leave one out; reported on the run's events ({@link TrainingRun.SkippedPair}), in logs and as a metric tag.
 */
public final class SkipReason {
    /** The pair's image object is not in storage (deleted, or a bucket restored from an older copy). */
    public static final String OBJECT_MISSING = "OBJECT_MISSING";
    /** The stored bytes do not decode as an image. */
    public static final String IMAGE_UNREADABLE = "IMAGE_UNREADABLE";
    /** Every reason, for meters registered at zero before the first skip. */
    public static final List<String> ALL = List.of(OBJECT_MISSING, IMAGE_UNREADABLE);

    private SkipReason() {}
}
