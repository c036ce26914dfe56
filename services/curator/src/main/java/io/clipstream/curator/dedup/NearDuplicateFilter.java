package io.clipstream.curator.dedup;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.curation.Candidate;
import io.clipstream.curator.curation.Verdict;
import io.clipstream.curator.image.PerceptualHash;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Clock;

/**
 * Near-duplicate de-duplication. Runs on a stream keyed (and partitioned) by the hash of the
 * normalised caption; the store keeps, per caption, the perceptual hashes of the pairs accepted with
 * it (the newest {@code capacity}). A pair whose pHash lies within the profile's Hamming distance of
 * another pair's, for the same caption, is DUPLICATE_NEAR. As for {@link ExactDuplicateFilter}, the
 * same identity (source, pairId) never duplicates itself, and EOS makes a replay see the pre-crash committed store.
 */
public final class NearDuplicateFilter implements FixedKeyProcessor<String, Candidate, Verdict> {
    public static final String STORE = "phash-by-caption";

    private final QualityProfiles profiles;
    private final int capacity;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Verdict> context;
    private KeyValueStore<String, PerceptualHashes> hashesByCaption;

    public NearDuplicateFilter(QualityProfiles profiles, int capacity, Clock clock) {
        this.profiles = profiles;
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Verdict> context) {
        this.context = context;
        this.hashesByCaption = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Candidate> record) {
        Candidate c = record.value();
        QualityProfile profile = profiles.named(c.profile());
        if (!profile.nearDuplicateCheckEnabled()) {
            context.forward(record.withValue(Verdict.pass(c)));
            return;
        }
        long hash = PerceptualHash.fromHex(c.perceptualHash());
        PerceptualHashes known = hashesByCaption.get(record.key());
        if (known == null) {
            known = PerceptualHashes.empty();
        }
        var near = known.nearest(hash, c.identity(), profile.nearDuplicateMaxDistance());
        if (near.isPresent()) {
            int distance = PerceptualHash.hammingDistance(hash, near.get().hash());
            context.forward(record.withValue(Verdict.reject(c.reject(ReasonCode.DUPLICATE_NEAR,
                    "perceptual hash " + c.perceptualHash() + " is " + distance + " bits from pair "
                            + Candidate.display(near.get().identity()) + " with the same caption (limit "
                            + profile.nearDuplicateMaxDistance() + ")", clock.instant()))));
            return;
        }
        if (!known.contains(c.identity())) {
            hashesByCaption.put(record.key(), known.plus(new PerceptualHashes.Entry(hash, c.identity()), capacity));
        }
        context.forward(record.withValue(Verdict.pass(c)));
    }
}
