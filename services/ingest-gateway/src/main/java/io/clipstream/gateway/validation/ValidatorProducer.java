package io.clipstream.gateway.validation;

import io.clipstream.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/** Builds the {@link PairValidator} from {@code clipstream.gateway.*}. */
@ApplicationScoped
public class ValidatorProducer {

    @Produces
    @Singleton
    PairValidator validator(GatewayConfig config) {
        GatewayConfig.Limits l = config.limits();
        return new PairValidator(new ShapeRules(l.pairIdLength(), l.domainLength(), l.textLength(), l.imageUriLength(),
                config.imageBucket(), l.attributes(), l.attributeKeyLength(), l.attributeValueLength(),
                config.batch().maxPairs()));
    }
}
