package io.clipstream.curator.inspect;

import io.clipstream.contracts.DomainCatalogue;
import io.clipstream.contracts.ImageRef;
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
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.StorageRefusedException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The per-record, stateless half of curation: parses a raw record and checks its image and its
 * caption under the pair's profile. The pair's domain is settled first, by the same catalogue the gateway applies
 * (records can reach pairs.raw without the gateway): none -> the producer's default, a bad name DOMAIN_INVALID, a
 * domain the producer may not write DOMAIN_NOT_ALLOWED; a curated pair always has a domain its producer owns. Image and
 * text are both checked, so a rejection lists every
 * reason found (at most one text reason; image reasons stop at the first that makes the image
 * unreadable). De-duplication needs state and happens later, in the topology.
 *
 * <p>Nothing about the record can make this class throw, except object storage being unavailable
 * ({@link io.clipstream.storage.StorageUnavailableException}, retried by the caller): a reference
 * storage refuses is IMAGE_REF_INVALID, a decoder failure IMAGE_UNREADABLE, an over-long identifier
 * FIELD_TOO_LONG.
 */
public final class PairInspector {
    private final QualityProfiles profiles;
    private final DomainCatalogue domains;
    private final ImageSource imageSource;
    private final DecodeLimits decodeLimits;
    private final int maxIdChars;
    private final Clock clock;

    public PairInspector(
            QualityProfiles profiles,
            DomainCatalogue domains,
            ImageSource imageSource,
            DecodeLimits decodeLimits,
            int maxIdChars,
            Clock clock) {
        this.profiles = profiles;
        this.domains = domains;
        this.imageSource = imageSource;
        this.decodeLimits = decodeLimits;
        this.maxIdChars = maxIdChars;
        this.clock = clock;
    }

    public Verdict inspect(byte[] key, byte[] value, RawRecord raw) {
        PairSubmitted pair;
        try {
            pair = Json.read(value, PairSubmitted.class);
        } catch (MalformedEventException e) {
            return malformed(key, raw, e.getMessage());
        }
        if (pair.schemaVersion() < 1 || pair.schemaVersion() > PairSubmitted.SCHEMA_VERSION) {
            return malformed(
                    key,
                    raw,
                    "unsupported schemaVersion " + pair.schemaVersion() + " (this curator reads 1 to "
                            + PairSubmitted.SCHEMA_VERSION + ")");
        }
        if (isBlank(pair.pairId()) || isBlank(pair.source())) {
            return malformed(key, raw, "pairId and source are required");
        }
        String tooLong = tooLong(pair);
        if (tooLong != null) {
            return Verdict.reject(new PairRejected(
                    PairRejected.SCHEMA_VERSION,
                    truncate(pair.pairId(), maxIdChars),
                    truncate(pair.source(), maxIdChars),
                    truncate(pair.domain(), maxIdChars),
                    List.of(ReasonCode.FIELD_TOO_LONG),
                    tooLong + " is longer than " + maxIdChars + " characters",
                    raw.topic(),
                    raw.partition(),
                    raw.offset(),
                    clock.instant()));
        }
        if (hasControlCharacters(pair.pairId()) || hasControlCharacters(pair.source())) {
            return malformed(key, raw, "pairId and source must not hold control characters");
        }
        if (key == null || !pair.pairId().equals(new String(key, StandardCharsets.UTF_8))) {
            // pairs.raw is partitioned by pairId, and the identity check relies on it
            return malformed(key, raw, "the record key must be the pairId");
        }
        DomainCatalogue.Decision settled = domains.decide(pair.source(), pair.domain());
        if (!settled.accepted()) {
            return Verdict.reject(new PairRejected(
                    PairRejected.SCHEMA_VERSION,
                    pair.pairId(),
                    pair.source(),
                    truncate(pair.domain(), maxIdChars),
                    List.of(settled.refusal()),
                    settled.detail(),
                    raw.topic(),
                    raw.partition(),
                    raw.offset(),
                    clock.instant()));
        }
        String domain = settled.domain();
        QualityProfile profile = profiles.select(pair.source(), domain);

        List<ReasonCode> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();

        ImageBytes bytes = imageBytes(pair, profile);
        ImageCheck image = bytes.refusal() != null
                ? bytes.refusal()
                : ImageInspector.inspect(bytes.bytes(), profile, decodeLimits);
        reasons.addAll(image.reasons());
        details.addAll(image.details());

        CaptionCheck caption = CaptionCheck.of(pair.text(), profile);
        reasons.addAll(caption.reasons());
        details.addAll(caption.details());

        if (!reasons.isEmpty()) {
            return Verdict.reject(new PairRejected(
                    PairRejected.SCHEMA_VERSION,
                    pair.pairId(),
                    pair.source(),
                    domain,
                    reasons,
                    String.join("; ", details) + profileNote(profile),
                    raw.topic(),
                    raw.partition(),
                    raw.offset(),
                    clock.instant()));
        }
        ImageFacts f = image.facts();
        return Verdict.pass(new Candidate(
                pair.pairId(),
                pair.source(),
                domain,
                profile.name(),
                caption.cleaned(),
                CaptionCleaner.captionKey(caption.cleaned()),
                ContentAddress.sha256Hex(bytes.bytes()),
                PerceptualHash.toHex(f.perceptualHash()),
                f.format(),
                f.contentType(),
                f.width(),
                f.height(),
                f.sharpness(),
                bytes.bytes(),
                pair.submittedAt(),
                raw.topic(),
                raw.partition(),
                raw.offset()));
    }

    private record ImageBytes(byte[] bytes, ImageCheck refusal) {}

    private ImageBytes imageBytes(PairSubmitted pair, QualityProfile profile) {
        if (!isBlank(pair.imageBase64())) {
            try {
                return new ImageBytes(Base64.getMimeDecoder().decode(pair.imageBase64()), null);
            } catch (IllegalArgumentException e) {
                return new ImageBytes(null, refusal(ReasonCode.IMAGE_CORRUPT, "imageBase64 is not valid base64"));
            }
        }
        if (!isBlank(pair.imageUri())) {
            String uri = truncate(pair.imageUri(), 300);
            ImageRef ref;
            try {
                ref = ImageRef.parse(pair.imageUri(), imageSource.bucket(), pair.source());
            } catch (ImageRef.InvalidImageRefException e) {
                return new ImageBytes(
                        null, refusal(ReasonCode.IMAGE_REF_INVALID, "imageUri " + uri + ": " + e.getMessage()));
            }
            try {
                return switch (imageSource.fetch(ref, profile.maxImageBytes())) {
                    case ImageSource.Fetch.Found f -> new ImageBytes(f.bytes(), null);
                    case ImageSource.Fetch.Missing m ->
                        new ImageBytes(null, refusal(ReasonCode.IMAGE_MISSING, "nothing at imageUri " + uri));
                    case ImageSource.Fetch.TooLarge t ->
                        new ImageBytes(
                                null,
                                refusal(
                                        ReasonCode.IMAGE_TOO_MANY_BYTES,
                                        "object at imageUri has " + t.bytes() + " bytes, limit "
                                                + profile.maxImageBytes() + " (not read)"));
                };
            } catch (StorageRefusedException e) {
                return new ImageBytes(
                        null,
                        refusal(
                                ReasonCode.IMAGE_REF_INVALID,
                                "object storage refused imageUri " + uri + ": " + truncate(e.getMessage(), 300)));
            }
        }
        return new ImageBytes(null, refusal(ReasonCode.IMAGE_MISSING, "neither imageBase64 nor imageUri"));
    }

    private static ImageCheck refusal(ReasonCode code, String detail) {
        return new ImageCheck(List.of(code), List.of(detail), null);
    }

    private Verdict malformed(byte[] key, RawRecord raw, String detail) {
        String pairId = key == null ? null : truncate(new String(key, StandardCharsets.UTF_8), maxIdChars);
        return Verdict.reject(new PairRejected(
                PairRejected.SCHEMA_VERSION,
                pairId,
                null,
                null,
                List.of(ReasonCode.MALFORMED_EVENT),
                String.valueOf(truncate(detail, 500)),
                raw.topic(),
                raw.partition(),
                raw.offset(),
                clock.instant()));
    }

    /** The first identifier over the limit, or null. */
    private String tooLong(PairSubmitted pair) {
        if (pair.pairId().length() > maxIdChars) {
            return "pairId";
        }
        if (pair.source().length() > maxIdChars) {
            return "source";
        }
        return null; // a domain's length is the domain grammar's (DOMAIN_INVALID)
    }

    private static boolean hasControlCharacters(String s) {
        return s.codePoints().anyMatch(Character::isISOControl);
    }

    private static String profileNote(QualityProfile profile) {
        return QualityProfile.DEFAULT_NAME.equals(profile.name()) ? "" : " (profile " + profile.name() + ")";
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
