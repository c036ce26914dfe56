package io.clipstream.gateway.validation;

import io.clipstream.contracts.DomainCatalogue;
import java.util.ArrayList;
import java.util.List;

/**
 * The second half of a pair's domain check, once the producer is known: a pair without a domain gets the producer's
 * default, and a domain the producer may not write (another producer's, or the base domain) is refused, so that no
 * pair reaches pairs.raw without a domain its producer owns. Pure: the catalogue comes from clipstream.domains.*.
 */
public final class DomainAssignment {
    private final DomainCatalogue catalogue;

    public DomainAssignment(DomainCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** {@code pairs} with their domains settled, or ValidationException naming each refused pair's domain field. */
    public List<PairSubmission> assign(List<PairSubmission> pairs, String producer, boolean batch) {
        List<PairSubmission> out = new ArrayList<>(pairs.size());
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PairSubmission p = pairs.get(i);
            DomainCatalogue.Decision d = catalogue.decide(producer, p.domain());
            if (!d.accepted()) {
                if (errors.size() < ValidationException.MAX_LISTED_ERRORS) {
                    errors.add(new FieldError((batch ? "/pairs/" + i : "") + "/domain", d.refusal(), d.detail()));
                }
                continue;
            }
            out.add(
                    d.domain().equals(p.domain())
                            ? p
                            : new PairSubmission(
                                    p.pairId(), d.domain(), p.text(), p.imageBase64(), p.imageUri(), p.attributes()));
        }
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
        return out;
    }
}
