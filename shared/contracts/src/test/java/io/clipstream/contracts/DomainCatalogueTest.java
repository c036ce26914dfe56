package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.contracts.DomainCatalogue.Decision;
import io.clipstream.contracts.DomainCatalogue.Producer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainCatalogueTest {
    private final DomainCatalogue catalogue = new DomainCatalogue(
            "original",
            Map.of(
                    "museum", new Producer(Optional.of("original"), List.of("original", "sketch")),
                    "shop", new Producer(Optional.of("shop.misc"), List.of("shop.*", "returns")),
                    "open", new Producer(Optional.empty(), List.of("*"))));

    @Test
    void aPairWithoutADomainGetsItsProducersDefault() {
        assertThat(catalogue.decide("shop", null).domain()).isEqualTo("shop.misc");
        assertThat(catalogue.decide("shop", "  ").domain()).isEqualTo("shop.misc");
        assertThat(catalogue.decide("museum", "").domain()).isEqualTo("original");
    }

    @Test
    void aPairWithoutADomainFromAProducerWithoutDefaultIsRefused() {
        Decision d = catalogue.decide("open", null);
        assertThat(d.accepted()).isFalse();
        assertThat(d.refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
        assertThat(d.detail()).contains("no default domain");
        assertThat(catalogue.decide("stranger", null).refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
    }

    @Test
    void aNameOutsideTheGrammarIsInvalidWhoeverSendsIt() {
        for (String bad : List.of("x/../y", "Upper", "a".repeat(300), "ünï", "a..b")) {
            Decision d = catalogue.decide("open", bad);
            assertThat(d.accepted()).as(bad).isFalse();
            assertThat(d.refusal()).as(bad).isEqualTo(ReasonCode.DOMAIN_INVALID);
        }
    }

    @Test
    void aProducerWritesItsNamesAndPrefixes() {
        assertThat(catalogue.decide("shop", "shop.shoes").domain()).isEqualTo("shop.shoes");
        assertThat(catalogue.decide("shop", "returns").domain()).isEqualTo("returns");
        assertThat(catalogue.decide("museum", "sketch").domain()).isEqualTo("sketch");
        assertThat(catalogue.decide("open", "anything-new").domain()).isEqualTo("anything-new");
    }

    @Test
    void aForeignDomainIsNotAllowedAndTheDetailNamesNoOtherProducer() {
        Decision d = catalogue.decide("shop", "sketch");
        assertThat(d.refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
        assertThat(d.detail()).contains("'shop'").doesNotContain("museum");
        assertThat(catalogue.decide("museum", "shop.shoes").refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
        assertThat(catalogue.decide("stranger", "sketch").refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
    }

    @Test
    void theBaseIsWrittenOnlyByTheProducersThatNameIt() {
        assertThat(catalogue.decide("museum", "original").accepted()).isTrue();
        assertThat(catalogue.decide("open", "original").refusal()).isEqualTo(ReasonCode.DOMAIN_NOT_ALLOWED);
        DomainCatalogue prefixed =
                new DomainCatalogue("orig", Map.of("p", new Producer(Optional.empty(), List.of("ori*"))));
        assertThat(prefixed.decide("p", "orig").accepted()).isFalse();
        assertThat(prefixed.decide("p", "original").accepted()).isTrue();
    }

    @Test
    void theOpenCatalogueKeepsTheBaseClosed() {
        DomainCatalogue open = DomainCatalogue.open("base", Map.of("it", "it"));
        assertThat(open.decide("it", null).domain()).isEqualTo("it");
        assertThat(open.decide("it", "other").domain()).isEqualTo("other");
        assertThat(open.decide("it", "base").accepted()).isFalse();
        assertThat(open.writesOf("it")).containsExactly("*");
        assertThat(open.writesOf("nobody")).isEmpty();
    }

    @Test
    void aBadConfigurationFailsAtStartWithTheKeyNamed() {
        assertThatThrownBy(() -> new DomainCatalogue("Base", Map.of())).hasMessageContaining("clipstream.domains.base");
        assertThatThrownBy(() ->
                        new DomainCatalogue("base", Map.of("p", new Producer(Optional.empty(), List.of("a/b")))))
                .hasMessageContaining("clipstream.domains.producers.p.writes");
        assertThatThrownBy(() -> new DomainCatalogue("base", Map.of("p", new Producer(Optional.of("x"), List.of("y")))))
                .hasMessageContaining("clipstream.domains.producers.p.default-domain 'x'");
        assertThatThrownBy(() ->
                        new DomainCatalogue("base", Map.of("p", new Producer(Optional.of("base"), List.of("*")))))
                .hasMessageContaining("default-domain 'base'");
    }
}
