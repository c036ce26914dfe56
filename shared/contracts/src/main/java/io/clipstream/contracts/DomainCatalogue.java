package io.clipstream.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which producer may write which domain, and the domain a producer's pair gets when it names none. The base domain
 * (what the model knew before the stream; its anchors guard every promotion) is written only by the producers that
 * name it explicitly: no wildcard reaches it. A producer the catalogue does not know writes nothing.
 *
 * <p>A producer's {@code writes} entries are domain names, {@code prefix*} (every domain starting with the prefix)
 * or {@code *} (every domain but the base). Its default domain must be one it writes.
 */
public final class DomainCatalogue {

    /** One producer's entry: its default domain (may be absent) and what it writes. */
    public record Producer(Optional<String> defaultDomain, List<String> writes) {
        public Producer {
            defaultDomain = defaultDomain == null ? Optional.empty() : defaultDomain;
            writes = writes == null ? List.of() : List.copyOf(writes);
        }
    }

    /** The domain a pair ends in, or why it has none. Exactly one of the two is set. */
    public record Decision(String domain, ReasonCode refusal, String detail) {
        static Decision accept(String domain) {
            return new Decision(domain, null, null);
        }

        static Decision refuse(ReasonCode code, String detail) {
            return new Decision(null, code, detail);
        }

        public boolean accepted() {
            return domain != null;
        }
    }

    private final String base;
    private final Map<String, Producer> producers;

    /**
     * @throws IllegalArgumentException on a base or default domain that is not a domain name, a writes entry that is
     *                                  neither a name nor a pattern, or a default domain its producer may not write
     */
    public DomainCatalogue(String base, Map<String, Producer> producers) {
        this.base = DomainName.require(base, "clipstream.domains.base");
        this.producers = new TreeMap<>(producers);
        this.producers.forEach((name, p) -> {
            String at = "clipstream.domains.producers." + name;
            for (String w : p.writes()) {
                String stem = w.endsWith("*") ? w.substring(0, w.length() - 1) : w;
                if (!stem.isEmpty() && !stem.matches("[a-z0-9._-]+")) {
                    throw new IllegalArgumentException(
                            at + ".writes: '" + w + "' is neither a domain name, 'prefix*' nor '*'");
                }
                if (!w.endsWith("*")) {
                    DomainName.require(w, at + ".writes");
                }
            }
            p.defaultDomain().ifPresent(d -> {
                DomainName.require(d, at + ".default-domain");
                if (!writes(p, d)) {
                    throw new IllegalArgumentException(
                            at + ".default-domain '" + d + "' is not among the domains it writes " + p.writes());
                }
            });
        });
    }

    /** A catalogue in which every producer writes every domain but {@code base}, with no default: for tests. */
    public static DomainCatalogue open(String base, Map<String, String> defaults) {
        Map<String, Producer> ps = new TreeMap<>();
        defaults.forEach((p, d) -> ps.put(p, new Producer(Optional.of(d), List.of("*"))));
        return new DomainCatalogue(base, ps);
    }

    public String base() {
        return base;
    }

    /**
     * Where a pair of {@code producer} that names {@code domain} (null or blank: none) goes: its own domain when it
     * is a valid name this producer writes, the producer's default when it names none; otherwise refused with
     * DOMAIN_INVALID (not a domain name) or DOMAIN_NOT_ALLOWED (unknown to this producer, or the base for a producer
     * not named for it). The detail names nothing of other producers.
     */
    public Decision decide(String producer, String domain) {
        Producer p = producers.get(producer);
        if (domain == null || domain.isBlank()) {
            if (p == null || p.defaultDomain().isEmpty()) {
                return Decision.refuse(
                        ReasonCode.DOMAIN_NOT_ALLOWED,
                        "no domain given and producer '" + producer + "' has no default domain");
            }
            return Decision.accept(p.defaultDomain().get());
        }
        Optional<String> problem = DomainName.problem(domain);
        if (problem.isPresent()) {
            return Decision.refuse(ReasonCode.DOMAIN_INVALID, problem.get());
        }
        if (p == null || !writes(p, domain)) {
            return Decision.refuse(
                    ReasonCode.DOMAIN_NOT_ALLOWED, "producer '" + producer + "' may not write domain '" + domain + "'");
        }
        return Decision.accept(domain);
    }

    /** The domains and patterns {@code producer} writes, for its own view. */
    public List<String> writesOf(String producer) {
        Producer p = producers.get(producer);
        return p == null ? List.of() : new ArrayList<>(p.writes());
    }

    private boolean writes(Producer p, String domain) {
        for (String w : p.writes()) {
            if (w.equals(domain)) {
                return true;
            }
            if (domain.equals(base)) {
                continue;
            } // the base only by its name
            if (w.endsWith("*") && domain.startsWith(w.substring(0, w.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
