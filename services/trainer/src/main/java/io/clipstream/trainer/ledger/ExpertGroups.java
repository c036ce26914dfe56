package io.clipstream.trainer.ledger;

import io.clipstream.contracts.DomainName;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several declared domains served by one expert, as an operator maps them ({@code clipstream.trainer.expert-of.<domain>
 * =<expert>}): a pair of a mapped domain waits, trains, is gated and quarantined as a pair of its expert's name, which
 * is the domain the router learns. Unmapped domains are their own expert. The index keeps each pair's declared domain.
 */
public record ExpertGroups(Map<String, String> expertOf) {
    public static final ExpertGroups NONE = new ExpertGroups(Map.of());

    /**
     * @throws IllegalArgumentException when an expert's name is not a valid domain name, or is itself mapped onto
     *                                  another (a chain would make a domain's expert depend on the order of lookups)
     */
    public ExpertGroups {
        expertOf = Map.copyOf(new TreeMap<>(expertOf));
        for (Map.Entry<String, String> e : expertOf.entrySet()) {
            DomainName.problem(e.getValue()).ifPresent(p -> {
                throw new IllegalArgumentException("expert-of." + e.getKey() + "='" + e.getValue() + "': " + p);
            });
            String next = expertOf.get(e.getValue());
            if (next != null && !next.equals(e.getValue())) {
                throw new IllegalArgumentException(
                        "expert-of." + e.getKey() + " names " + e.getValue() + ", which is mapped onto " + next
                                + " in turn: map " + e.getKey() + " onto " + next + " directly");
            }
        }
    }

    /** The expert a declared domain trains. */
    public String expertOf(String domain) {
        return expertOf.getOrDefault(domain, domain);
    }

    /** The pair as the trainer sees it: its domain replaced by its expert's name. */
    public PairRef apply(PairRef p) {
        String expert = expertOf(p.domain());
        return expert.equals(p.domain())
                ? p
                : new PairRef(p.sha256(), p.pairId(), expert, p.imageKey(), p.caption(), p.partition(), p.offset());
    }
}
