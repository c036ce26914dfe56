package io.clipstream.curator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The curation thresholds and profiles, {@code clipstream.curator.*}; application.properties documents each key. */
@ConfigMapping(prefix = "clipstream.curator")
public interface CuratorConfig {

    /** Thresholds of pairs no profile selects. */
    Thresholds defaults();

    /** Named profiles, {@code clipstream.curator.profiles.<name>.*}; unset keys inherit the defaults. */
    Map<String, ProfileConfig> profiles();

    /**
     * Most perceptual hashes kept per near-duplicate bucket (pairs of one caption that share a band
     * of pHash bits; oldest dropped): a bound for captions that very many near-alike images share.
     */
    @WithDefault("256")
    int nearDuplicateHashesPerBucket();

    /** Pause before a stream thread that failed unexpectedly (a bug, a broken state store) is replaced. */
    @WithDefault("2s")
    Duration failureBackoff();

    /**
     * Longest pairId, source and domain accepted, in characters (FIELD_TOO_LONG beyond). The
     * gateway's own limits are lower; this bounds records written to pairs.raw by anything else.
     */
    @WithDefault("256")
    int maxIdChars();

    Decode decode();

    StorageFaults storageFaults();

    Store store();

    /** The store stage ({@code store.StoreStage}): how many pairs it reads at once, how many it writes at once. */
    interface Store {
        /** Most accepted pairs read in one poll and committed in one transaction. */
        @WithDefault("256")
        int maxBatch();

        /** Pairs whose objects are being written at the same time. */
        @WithDefault("32")
        int writesInFlight();

        /**
         * Whether each curated pair also gets a text document in object storage
         * ({@code pairs/text/sha256/ab/<sha256>.json}, a copy of its catalogue record's text and metadata).
         */
        @WithDefault("false")
        boolean textObjects();
    }

    /** Bounds on decoding one image; see {@code image.DecodeLimits}. */
    interface Decode {
        /** Longest a single image may take to decode; beyond it the pair is rejected (IMAGE_UNREADABLE). */
        @WithDefault("5s")
        Duration timeBudget();

        /**
         * Most scans of a progressive JPEG; one with more is refused before it is decoded (a crafted file can hold
         * thousands).
         */
        @WithDefault("100")
        int maxJpegScans();
    }

    /**
     * What the curator does while object storage fails (see {@code faults.InPlaceRetry}): a probe
     * watches the bucket; while it is down, consumption is paused and the record in hand waits in
     * place, up to {@code max-outage-wait}; while it is up, a call that keeps failing is tried
     * {@code max-attempts} times. Either way the record then goes to pairs.deadletter.
     */
    interface StorageFaults {
        /** Attempts of a call that keeps failing while the store is up, before the record is dead-lettered. */
        @WithDefault("5")
        int maxAttempts();

        /** Wait between those attempts. */
        @WithDefault("1s")
        Duration retryBackoff();

        /** Longest a record waits in place while the store is down, before it is dead-lettered. */
        @WithDefault("120s")
        Duration maxOutageWait();

        /** How often the probe checks the bucket. */
        @WithDefault("1s")
        Duration probeInterval();

        /** The probe's own request timeout. */
        @WithDefault("2s")
        Duration probeTimeout();
    }

    interface Thresholds {
        /** Largest encoded image, in bytes (IMAGE_TOO_MANY_BYTES beyond). */
        @WithDefault("10485760")
        long maxImageBytes();

        /**
         * Most pixels an image may declare (IMAGE_DECOMPRESSION_BOMB beyond, refused before decoding): bounds the
         * memory one decode takes.
         */
        @WithDefault("45000000")
        long maxPixels();

        /** Shortest side accepted, in pixels (IMAGE_TOO_SMALL below). */
        @WithDefault("200")
        int minSide();

        /** Longest side over shortest side accepted (IMAGE_EXTREME_ASPECT_RATIO beyond). */
        @WithDefault("3.0")
        double maxAspectRatio();

        /** Variance of the grey image's Laplacian below which an image is blank or blurred (IMAGE_BLURRY). */
        @WithDefault("60")
        double minSharpness();

        /** Fewest characters of a cleaned caption (TEXT_TOO_SHORT below). */
        @WithDefault("5")
        int minTextChars();

        /** Most characters of a cleaned caption (TEXT_TOO_LONG beyond). */
        @WithDefault("1000")
        int maxTextChars();

        /** Least share of letters in a caption (TEXT_NOT_TEXT below). */
        @WithDefault("0.2")
        double minLetterRatio();

        /**
         * Hamming distance of perceptual hashes at or below which an image is a near duplicate of one seen
         * (DUPLICATE_NEAR).
         */
        @WithDefault("4")
        int nearDuplicateMaxDistance();
    }

    interface ProfileConfig {
        /** Sources this profile applies to; with neither sources nor domains, the profile's name. */
        Optional<List<String>> sources();

        /** Domains this profile applies to. */
        Optional<List<String>> domains();

        /** This profile's `max-image-bytes` (else the thresholds'). */
        Optional<Long> maxImageBytes();

        /** This profile's `max-pixels`. */
        Optional<Long> maxPixels();

        /** This profile's `min-side`. */
        Optional<Integer> minSide();

        /** This profile's `max-aspect-ratio`. */
        Optional<Double> maxAspectRatio();

        /** This profile's `min-sharpness`. */
        Optional<Double> minSharpness();

        /** This profile's `min-text-chars`. */
        Optional<Integer> minTextChars();

        /** This profile's `max-text-chars`. */
        Optional<Integer> maxTextChars();

        /** This profile's `min-letter-ratio`. */
        Optional<Double> minLetterRatio();

        /** This profile's `near-duplicate-max-distance`. */
        Optional<Integer> nearDuplicateMaxDistance();
    }

    /** The profiles as plain values. */
    default QualityProfiles qualityProfiles() {
        Thresholds d = defaults();
        QualityProfile defaults = new QualityProfile(
                QualityProfile.DEFAULT_NAME,
                d.maxImageBytes(),
                d.maxPixels(),
                d.minSide(),
                d.maxAspectRatio(),
                d.minSharpness(),
                d.minTextChars(),
                d.maxTextChars(),
                d.minLetterRatio(),
                d.nearDuplicateMaxDistance());
        List<QualityProfiles.Named> named = profiles().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> {
                    ProfileConfig p = e.getValue();
                    QualityProfile q = new QualityProfile(
                            e.getKey(),
                            p.maxImageBytes().orElse(defaults.maxImageBytes()),
                            p.maxPixels().orElse(defaults.maxPixels()),
                            p.minSide().orElse(defaults.minSide()),
                            p.maxAspectRatio().orElse(defaults.maxAspectRatio()),
                            p.minSharpness().orElse(defaults.minSharpness()),
                            p.minTextChars().orElse(defaults.minTextChars()),
                            p.maxTextChars().orElse(defaults.maxTextChars()),
                            p.minLetterRatio().orElse(defaults.minLetterRatio()),
                            p.nearDuplicateMaxDistance().orElse(defaults.nearDuplicateMaxDistance()));
                    return new QualityProfiles.Named(
                            q, p.sources().orElse(List.of()), p.domains().orElse(List.of()));
                })
                .toList();
        return new QualityProfiles(defaults, named);
    }
}
