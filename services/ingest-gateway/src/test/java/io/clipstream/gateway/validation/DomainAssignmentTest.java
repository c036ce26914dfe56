package io.clipstream.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.contracts.DomainCatalogue;
import io.clipstream.contracts.ReasonCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainAssignmentTest {
    private final DomainAssignment domains = new DomainAssignment(new DomainCatalogue(
            "original",
            Map.of(
                    "museum", new DomainCatalogue.Producer(Optional.of("original"), List.of("original", "sketch")),
                    "shop", new DomainCatalogue.Producer(Optional.of("shop.misc"), List.of("shop.*")))));

    private static PairSubmission pair(String domain) {
        return new PairSubmission("p", domain, "a caption", null, "s3://clipstream/inbox/x/1.png", Map.of("k", "v"));
    }

    @Test
    void aPairWithoutADomainGetsTheProducersDefaultAndKeepsTheRest() {
        PairSubmission settled =
                domains.assign(List.of(pair(null)), "shop", false).getFirst();
        assertThat(settled.domain()).isEqualTo("shop.misc");
        assertThat(settled).usingRecursiveComparison().ignoringFields("domain").isEqualTo(pair(null));
        assertThat(domains.assign(List.of(pair(null)), "museum", false)
                        .getFirst()
                        .domain())
                .isEqualTo("original");
    }

    @Test
    void ownDomainsPassUnchanged() {
        PairSubmission p = pair("shop.shoes");
        assertThat(domains.assign(List.of(p), "shop", false).getFirst()).isSameAs(p);
    }

    @Test
    void foreignAndBaseDomainsAreRefusedWithThePointerOfEachPair() {
        assertThatThrownBy(() ->
                        domains.assign(List.of(pair("shop.shoes"), pair("sketch"), pair("original")), "shop", true))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
                    assertThat(e.errors())
                            .extracting(FieldError::pointer)
                            .containsExactly("/pairs/1/domain", "/pairs/2/domain");
                    assertThat(e.getMessage()).doesNotContain("museum");
                });
        assertThatThrownBy(() -> domains.assign(List.of(pair("x")), "unknown-producer", false))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors())
                                .extracting(FieldError::pointer)
                                .containsExactly("/domain"));
    }
}
