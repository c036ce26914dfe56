package io.clipstream.curator.dedup;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.Verdict;
import io.clipstream.storage.ContentAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Holds (source, pairId) to the pair's content: a producer's retry with the same content passes
 * (and stays idempotent downstream), the same id with another image, caption or domain is
 * PAIR_ID_CONFLICT. Keyed by identity, so two producers never collide on an id. Runs in the inspect
 * step, on pairs.raw's partitioning (the record key is the pairId, checked at inspection), and
 * commits with the input offsets under exactly-once like the de-dup stores.
 */
public final class PairIdentities {
    public static final String STORE = "pair-identity";

    private final KeyValueStore<String, String> contentByIdentity;

    public PairIdentities(KeyValueStore<String, String> contentByIdentity) {
        this.contentByIdentity = contentByIdentity;
    }

    public Verdict check(Candidate c, Instant now) {
        String fingerprint = fingerprint(c);
        String known = contentByIdentity.get(c.identity());
        if (known == null) {
            contentByIdentity.put(c.identity(), fingerprint);
            return Verdict.pass(c);
        }
        if (known.equals(fingerprint)) {
            return Verdict.pass(c);
        }
        return Verdict.reject(c.reject(
                ReasonCode.PAIR_ID_CONFLICT,
                "pair " + Candidate.display(c.identity())
                        + " was submitted before with another image, caption or domain; use a new pairId for new "
                        + "content",
                now));
    }

    /** What "the same content" means: the image bytes, the cleaned caption and the domain. */
    static String fingerprint(Candidate c) {
        String content = c.sha256() + '\n' + (c.domain() == null ? "" : c.domain()) + '\n' + c.text();
        return ContentAddress.sha256Hex(content.getBytes(StandardCharsets.UTF_8));
    }
}
