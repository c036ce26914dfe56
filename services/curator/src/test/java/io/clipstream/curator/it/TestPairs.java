package io.clipstream.curator.it;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairSubmitted;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** Raw events as the gateway writes them to pairs.raw. */
public final class TestPairs {
    private TestPairs() {}

    public static byte[] event(String pairId, String source, String text, byte[] image) {
        return eventIn(pairId, source, "it", text, image);
    }

    /** As {@link #event}, in {@code domain} (null: none, so the producer's default). */
    public static byte[] eventIn(String pairId, String source, String domain, String text, byte[] image) {
        return Json.write(PairSubmitted.of(
                pairId,
                source,
                domain,
                text,
                image == null ? null : Base64.getEncoder().encodeToString(image),
                null,
                Map.of(),
                Instant.now()));
    }

    /** A claim check: the image is at {@code imageUri}. */
    public static byte[] eventWithUri(String pairId, String source, String text, String imageUri) {
        return Json.write(PairSubmitted.of(pairId, source, "it", text, null, imageUri, Map.of(), Instant.now()));
    }
}
