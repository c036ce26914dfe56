package io.clipstream.curator.curation;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.image.ImageCheck;
import io.clipstream.curator.image.ImageFacts;
import io.clipstream.curator.image.ImageInspector;
import io.clipstream.curator.image.PerceptualHash;
import io.clipstream.curator.text.CaptionCheck;
import io.clipstream.curator.text.CaptionCleaner;
import io.clipstream.storage.ContentAddress;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The per-record, stateless half of curation: parses a raw record and checks its image and its
 * caption under the pair's profile. Image and text are both checked, so a rejection lists every
 * reason found (at most one text reason; image reasons stop at the first that makes the image
 * unreadable). De-duplication needs state and happens later, in the topology.
 */
public final class PairInspector {
    private final QualityProfiles profiles;
    private final ImageSource imageSource;
    private final Clock clock;

    public PairInspector(QualityProfiles profiles, ImageSource imageSource, Clock clock) {
        this.profiles = profiles;
        this.imageSource = imageSource;
        this.clock = clock;
    }

    public Verdict inspect(byte[] key, byte[] value, RawRecord raw) {
        PairSubmitted pair;
        try {
            pair = Json.read(value, PairSubmitted.class);
        } catch (MalformedEventException e) {
            return malformed(key, raw, e.getMessage());
        }
        if (isBlank(pair.pairId()) || isBlank(pair.source())) {
            return malformed(key, raw, "pairId and source are required");
        }
        if (pair.schemaVersion() > PairSubmitted.SCHEMA_VERSION) {
            return malformed(key, raw, "unknown schemaVersion " + pair.schemaVersion());
        }
        QualityProfile profile = profiles.select(pair.source(), pair.domain());

        List<ReasonCode> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();

        ImageBytes bytes = imageBytes(pair);
        ImageCheck image = bytes.refusal() != null ? bytes.refusal() : ImageInspector.inspect(bytes.bytes(), profile);
        reasons.addAll(image.reasons());
        details.addAll(image.details());

        CaptionCheck caption = CaptionCheck.of(pair.text(), profile);
        reasons.addAll(caption.reasons());
        details.addAll(caption.details());

        if (!reasons.isEmpty()) {
            return Verdict.reject(new PairRejected(PairRejected.SCHEMA_VERSION, pair.pairId(), pair.source(),
                    pair.domain(), reasons, String.join("; ", details) + profileNote(profile),
                    raw.topic(), raw.partition(), raw.offset(), clock.instant()));
        }
        ImageFacts f = image.facts();
        return Verdict.pass(new Candidate(pair.pairId(), pair.source(), pair.domain(), profile.name(),
                caption.cleaned(), CaptionCleaner.captionKey(caption.cleaned()),
                ContentAddress.sha256Hex(bytes.bytes()), PerceptualHash.toHex(f.perceptualHash()),
                f.format(), f.contentType(), f.width(), f.height(), f.sharpness(), bytes.bytes(),
                pair.submittedAt(), raw.topic(), raw.partition(), raw.offset()));
    }

    private record ImageBytes(byte[] bytes, ImageCheck refusal) {
    }

    private ImageBytes imageBytes(PairSubmitted pair) {
        if (!isBlank(pair.imageBase64())) {
            try {
                return new ImageBytes(Base64.getMimeDecoder().decode(pair.imageBase64()), null);
            } catch (IllegalArgumentException e) {
                return new ImageBytes(null, refusal(ReasonCode.IMAGE_CORRUPT, "imageBase64 is not valid base64"));
            }
        }
        if (!isBlank(pair.imageUri())) {
            try {
                Optional<byte[]> fetched = imageSource.fetch(pair.imageUri());
                return fetched.map(b -> new ImageBytes(b, null))
                        .orElseGet(() -> new ImageBytes(null,
                                refusal(ReasonCode.IMAGE_MISSING, "nothing at imageUri " + pair.imageUri())));
            } catch (IllegalArgumentException e) {
                return new ImageBytes(null, refusal(ReasonCode.IMAGE_MISSING,
                        "imageUri " + pair.imageUri() + " cannot be read: " + e.getMessage()));
            }
        }
        return new ImageBytes(null, refusal(ReasonCode.IMAGE_MISSING, "neither imageBase64 nor imageUri"));
    }

    private static ImageCheck refusal(ReasonCode code, String detail) {
        return new ImageCheck(List.of(code), List.of(detail), null);
    }

    private Verdict malformed(byte[] key, RawRecord raw, String detail) {
        String pairId = key == null ? null : new String(key, StandardCharsets.UTF_8);
        return Verdict.reject(new PairRejected(PairRejected.SCHEMA_VERSION, pairId, null, null,
                List.of(ReasonCode.MALFORMED_EVENT), truncate(detail, 500),
                raw.topic(), raw.partition(), raw.offset(), clock.instant()));
    }

    private static String profileNote(QualityProfile profile) {
        return QualityProfile.DEFAULT_NAME.equals(profile.name()) ? "" : " (profile " + profile.name() + ")";
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? String.valueOf(s) : s.substring(0, max) + "...";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
