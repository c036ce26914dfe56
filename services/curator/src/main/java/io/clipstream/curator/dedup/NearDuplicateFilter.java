package io.clipstream.curator.dedup;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.image.PerceptualHash;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.Verdict;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Near-duplicate de-duplication, scoped by producer. Runs on a stream keyed (and partitioned) by
 * {@link Candidate#captionScope()}, the hash of producer and normalised caption. A pair whose pHash lies
 * within its profile's Hamming distance of another pair's of the same producer, for the same caption,
 * is DUPLICATE_NEAR. The store is a multi-index hash ({@link HashBands},
 * as many bands as the largest distance of any profile needs): each accepted pair's (pHash, identity)
 * is kept in one small bucket per band, keyed by caption and band value, each bucket keeping its
 * newest {@code bucketCapacity}. A pair reads and extends a handful of small buckets, so a caption
 * that thousands of pairs share costs no more than a unique one; a single list per caption was read,
 * rewritten and sent to the changelog whole for every pair.
 * <p>
 * As for {@link ExactDuplicateFilter}, the same identity (source, pairId) never duplicates itself,
 * and EOS makes a replay see the pre-crash committed store.
 */
public final class NearDuplicateFilter implements FixedKeyProcessor<String, Candidate, Verdict> {
    public static final String STORE = "phash-bands";
    /** Leading hex digits of the caption hash in a bucket key: 64 bits keep captions apart. */
    private static final int GROUP_CHARS = 16;

    private final QualityProfiles profiles;
    private final HashBands bands;
    private final int bucketCapacity;
    private final Clock clock;
    private FixedKeyProcessorContext<String, Verdict> context;
    private KeyValueStore<String, PerceptualHashes> buckets;

    public NearDuplicateFilter(QualityProfiles profiles, int bucketCapacity, Clock clock) {
        this.profiles = profiles;
        this.bands = HashBands.forMaxDistance(profiles.maxNearDuplicateDistance());
        this.bucketCapacity = bucketCapacity;
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Verdict> context) {
        this.context = context;
        this.buckets = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Candidate> record) {
        Candidate c = record.value();
        QualityProfile profile = profiles.named(c.profile());
        if (!profile.nearDuplicateCheckEnabled()) {
            context.forward(record.withValue(Verdict.pass(c)));
            return;
        }
        int maxDistance = Math.min(profile.nearDuplicateMaxDistance(), bands.maxDistance());
        long hash = PerceptualHash.fromHex(c.perceptualHash());
        String group = c.captionScope().substring(0, GROUP_CHARS);
        String[] keys = new String[bands.count()];
        PerceptualHashes[] known = new PerceptualHashes[bands.count()];
        PerceptualHashes.Entry nearest = null;
        for (int band = 0; band < bands.count(); band++) {
            keys[band] = bands.bucketKey(group, hash, band);
            PerceptualHashes bucket = buckets.get(keys[band]);
            known[band] = bucket == null ? PerceptualHashes.empty() : bucket;
            if (band <= maxDistance) { // any maxDistance + 1 bands hold every hash that near
                var near = known[band].nearest(hash, c.identity(), maxDistance);
                if (near.isPresent() && (nearest == null || distance(hash, near.get()) < distance(hash, nearest))) {
                    nearest = near.get();
                }
            }
        }
        if (nearest != null) {
            context.forward(record.withValue(Verdict.reject(c.reject(
                    ReasonCode.DUPLICATE_NEAR,
                    "perceptual hash " + c.perceptualHash() + " is " + distance(hash, nearest) + " bits from "
                            + c.describeOther(nearest.identity()) + " with the same caption (limit "
                            + maxDistance + ")",
                    clock.instant()))));
            return;
        }
        PerceptualHashes.Entry entry = new PerceptualHashes.Entry(hash, c.identity());
        for (int band = 0; band < bands.count(); band++) {
            if (!known[band].contains(c.identity())) {
                buckets.put(keys[band], known[band].plus(entry, bucketCapacity));
            }
        }
        context.forward(record.withValue(Verdict.pass(c)));
    }

    private static int distance(long hash, PerceptualHashes.Entry e) {
        return PerceptualHash.hammingDistance(hash, e.hash());
    }
}
