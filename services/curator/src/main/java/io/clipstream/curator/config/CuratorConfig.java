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

    /** Most perceptual hashes kept per caption for near-duplicate checks (oldest dropped). */
    @WithDefault("256")
    int nearDuplicateHashesPerCaption();

    /** Pause before a failed stream thread (e.g. object storage down) is replaced and retries. */
    @WithDefault("2s")
    Duration failureBackoff();

    interface Thresholds {
        @WithDefault("10485760")
        long maxImageBytes();

        @WithDefault("45000000")
        long maxPixels();

        @WithDefault("200")
        int minSide();

        @WithDefault("3.0")
        double maxAspectRatio();

        @WithDefault("60")
        double minSharpness();

        @WithDefault("5")
        int minTextChars();

        @WithDefault("1000")
        int maxTextChars();

        @WithDefault("0.2")
        double minLetterRatio();

        @WithDefault("4")
        int nearDuplicateMaxDistance();
    }

    interface ProfileConfig {
        /** Sources this profile applies to; with neither sources nor domains, the profile's name. */
        Optional<List<String>> sources();

        Optional<List<String>> domains();

        Optional<Long> maxImageBytes();

        Optional<Long> maxPixels();

        Optional<Integer> minSide();

        Optional<Double> maxAspectRatio();

        Optional<Double> minSharpness();

        Optional<Integer> minTextChars();

        Optional<Integer> maxTextChars();

        Optional<Double> minLetterRatio();

        Optional<Integer> nearDuplicateMaxDistance();
    }

    /** The profiles as plain values. */
    default QualityProfiles qualityProfiles() {
        Thresholds d = defaults();
        QualityProfile defaults = new QualityProfile(QualityProfile.DEFAULT_NAME, d.maxImageBytes(), d.maxPixels(),
                d.minSide(), d.maxAspectRatio(), d.minSharpness(), d.minTextChars(), d.maxTextChars(),
                d.minLetterRatio(), d.nearDuplicateMaxDistance());
        List<QualityProfiles.Named> named = profiles().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> {
                    ProfileConfig p = e.getValue();
                    QualityProfile q = new QualityProfile(e.getKey(),
                            p.maxImageBytes().orElse(defaults.maxImageBytes()),
                            p.maxPixels().orElse(defaults.maxPixels()),
                            p.minSide().orElse(defaults.minSide()),
                            p.maxAspectRatio().orElse(defaults.maxAspectRatio()),
                            p.minSharpness().orElse(defaults.minSharpness()),
                            p.minTextChars().orElse(defaults.minTextChars()),
                            p.maxTextChars().orElse(defaults.maxTextChars()),
                            p.minLetterRatio().orElse(defaults.minLetterRatio()),
                            p.nearDuplicateMaxDistance().orElse(defaults.nearDuplicateMaxDistance()));
                    return new QualityProfiles.Named(q, p.sources().orElse(List.of()), p.domains().orElse(List.of()));
                })
                .toList();
        return new QualityProfiles(defaults, named);
    }
}
