package io.clipstream.curator.inspect;

import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.contracts.PairRejected;

/**
 * The outcome of one curation step: the pair goes on, or it ends curated, rejected (its own fault)
 * or dead-lettered (not its fault: storage, or a bug). Never serialised.
 */
public sealed interface Verdict {

    record Pass(Candidate candidate) implements Verdict {}

    record Curated(PairCurated curated) implements Verdict {}

    record Reject(PairRejected rejection) implements Verdict {}

    record DeadLetter(PairDeadLettered deadLetter) implements Verdict {}

    static Verdict pass(Candidate candidate) {
        return new Pass(candidate);
    }

    static Verdict curated(PairCurated curated) {
        return new Curated(curated);
    }

    static Verdict reject(PairRejected rejection) {
        return new Reject(rejection);
    }

    static Verdict deadLetter(PairDeadLettered deadLetter) {
        return new DeadLetter(deadLetter);
    }

    default boolean rejected() {
        return this instanceof Reject;
    }

    default boolean deadLettered() {
        return this instanceof DeadLetter;
    }

    default Candidate candidate() {
        return ((Pass) this).candidate();
    }

    default PairRejected rejection() {
        return ((Reject) this).rejection();
    }

    default PairDeadLettered deadLetter() {
        return ((DeadLetter) this).deadLetter();
    }

    default PairCurated curatedPair() {
        return ((Curated) this).curated();
    }

    /** The pairId this outcome is about (the key of pairs.rejected and pairs.deadletter). */
    default String pairId() {
        return switch (this) {
            case Pass p -> p.candidate().pairId();
            case Curated c -> c.curated().pairId();
            case Reject r -> r.rejection().pairId();
            case DeadLetter d -> d.deadLetter().pairId();
        };
    }
}
