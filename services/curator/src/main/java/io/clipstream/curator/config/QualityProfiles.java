package io.clipstream.curator.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the profile of a pair. A profile matches a pair when the pair's source is in the profile's
 * {@code sources}, or its domain in the profile's {@code domains}; a profile that lists neither
 * matches the source or domain equal to its own name. Source matches win over domain matches; a
 * pair no profile matches gets {@code defaults}.
 */
public final class QualityProfiles {

    /** One named profile and what selects it. */
    public record Named(QualityProfile profile, List<String> sources, List<String> domains) {
        public Named {
            sources = sources == null ? List.of() : List.copyOf(sources);
            domains = domains == null ? List.of() : List.copyOf(domains);
            if (sources.isEmpty() && domains.isEmpty()) {
                sources = List.of(profile.name());
                domains = List.of(profile.name());
            }
        }
    }

    private final QualityProfile defaults;
    private final Map<String, QualityProfile> byName = new LinkedHashMap<>();
    private final Map<String, QualityProfile> bySource = new LinkedHashMap<>();
    private final Map<String, QualityProfile> byDomain = new LinkedHashMap<>();

    public QualityProfiles(QualityProfile defaults, List<Named> profiles) {
        this.defaults = defaults;
        byName.put(defaults.name(), defaults);
        for (Named n : profiles) {
            if (byName.putIfAbsent(n.profile().name(), n.profile()) != null) {
                throw new IllegalArgumentException(
                        "duplicate curation profile " + n.profile().name());
            }
            n.sources().forEach(s -> bySource.putIfAbsent(s, n.profile()));
            n.domains().forEach(d -> byDomain.putIfAbsent(d, n.profile()));
        }
    }

    public static QualityProfiles onlyDefaults(QualityProfile defaults) {
        return new QualityProfiles(defaults, List.of());
    }

    public QualityProfile select(String source, String domain) {
        QualityProfile p = source == null ? null : bySource.get(source);
        if (p == null && domain != null) {
            p = byDomain.get(domain);
        }
        return p == null ? defaults : p;
    }

    /** By profile name (as carried between stages); unknown names fall back to the defaults. */
    public QualityProfile named(String name) {
        return Optional.ofNullable(name).map(byName::get).orElse(defaults);
    }

    public QualityProfile defaults() {
        return defaults;
    }

    /** The largest near-duplicate distance of any profile (0 when every profile has the check off). */
    public int maxNearDuplicateDistance() {
        return byName.values().stream()
                .mapToInt(QualityProfile::nearDuplicateMaxDistance)
                .max()
                .orElse(0);
    }

    public Map<String, QualityProfile> all() {
        return Map.copyOf(byName);
    }
}
