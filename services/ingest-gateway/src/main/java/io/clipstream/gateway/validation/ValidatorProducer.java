package io.clipstream.gateway.validation;

import io.clipstream.contracts.DomainsSettings;
import io.clipstream.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Builds the {@link PairValidator} from {@code clipstream.gateway.*} and the {@link DomainAssignment} from {@code
 * clipstream.domains.*}.
 */
@ApplicationScoped
public class ValidatorProducer {

    @Produces
    @Singleton
    PairValidator validator(GatewayConfig config) {
        GatewayConfig.Limits l = config.limits();
        return new PairValidator(new ShapeRules(
                l.pairIdLength(),
                l.textLength(),
                l.imageUriLength(),
                config.imageBucket(),
                l.attributes(),
                l.attributeKeyLength(),
                l.attributeValueLength(),
                config.batch().maxPairs()));
    }

    @Produces
    @Singleton
    DomainAssignment domains(DomainsSettings settings) {
        return new DomainAssignment(settings.toCatalogue());
    }
}
