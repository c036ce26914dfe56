package io.clipstream.gateway.auth;

import io.clipstream.contracts.ApiKeys;
import io.clipstream.gateway.GatewayConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The producers' keys, checked once at start-up (a bad or placeholder key stops the gateway). */
public class ApiKeysProducer {

    @Produces
    @Singleton
    ApiKeys apiKeys(GatewayConfig config) {
        return new ApiKeys("clipstream.gateway.api-keys", config.apiKeys());
    }
}
