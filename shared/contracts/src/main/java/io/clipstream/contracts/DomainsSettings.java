package io.clipstream.contracts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code clipstream.domains.*}: the domain catalogue, one spelling for the gateway and the curator (both enforce it:
 * the curator for records that reach pairs.raw without the gateway). This jar carries a beans.xml, so Quarkus
 * indexes it and finds the mapping.
 */
@ConfigMapping(prefix = "clipstream.domains")
public interface DomainsSettings {
    /** The domain the base checkpoint knows; only producers that name it in their writes may add to it. */
    @WithDefault("base")
    String base();

    /** Producer name (its API key's name, PairSubmitted.source) -> its domains. */
    Map<String, ProducerDomains> producers();

    interface ProducerDomains {
        /** The domain of a pair that names none. */
        @WithName("default-domain")
        Optional<String> defaultDomain();

        /** Domain names, {@code prefix*} or {@code *} (every domain but the base). */
        Optional<List<String>> writes();
    }

    default DomainCatalogue toCatalogue() {
        Map<String, DomainCatalogue.Producer> ps = new TreeMap<>();
        producers()
                .forEach((name, p) -> ps.put(
                        name,
                        new DomainCatalogue.Producer(
                                p.defaultDomain(), p.writes().orElse(List.of()))));
        return new DomainCatalogue(base(), ps);
    }
}
