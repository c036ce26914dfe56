package io.clipstream.curator.curation;

import io.clipstream.contracts.PairRejected;

/** The outcome of one curation step: the pair goes on, or it is rejected. Never serialised. */
public sealed interface Verdict {

    record Pass(Candidate candidate) implements Verdict {
    }

    record Reject(PairRejected rejection) implements Verdict {
    }

    static Verdict pass(Candidate candidate) {
        return new Pass(candidate);
    }

    static Verdict reject(PairRejected rejection) {
        return new Reject(rejection);
    }

    default boolean rejected() {
        return this instanceof Reject;
    }

    default Candidate candidate() {
        return ((Pass) this).candidate();
    }

    default PairRejected rejection() {
        return ((Reject) this).rejection();
    }
}
