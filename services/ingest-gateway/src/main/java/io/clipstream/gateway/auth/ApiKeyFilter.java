package io.clipstream.gateway.auth;

import io.clipstream.contracts.ApiKeys;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.gateway.problem.GatewayException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call (all of them live under /v1; /q/* are not JAX-RS resources) and
 * records the producer name for the resource. {@link io.clipstream.gateway.admission.AdmissionRoute}
 * has already refused unauthenticated requests before their body was read and left the producer on
 * the routing context; this filter hands it to the resources, and checks the key itself only for a
 * request the route did not see.
 */
@ApplicationScoped
public class ApiKeyFilter {
    /** Request property holding the authenticated producer name. */
    public static final String PRODUCER = "clipstream.producer";

    public static final String API_KEY_HEADER = "X-Api-Key";
    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);

    private final ApiKeys keys;

    @Inject
    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    void onStart(@Observes StartupEvent event) {
        if (keys.isEmpty()) {
            LOG.warn("no API keys configured (clipstream.gateway.api-keys.<producer>=<key>): every request will get "
                    + "401");
        } else {
            LOG.infof("%d producer API key(s) configured", keys.size());
        }
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request, RoutingContext routing) {
        String admitted = routing == null ? null : routing.get(PRODUCER);
        if (admitted != null) { // AdmissionRoute checked the key already
            request.setProperty(PRODUCER, admitted);
            return;
        }
        String producer = ApiKeys.presentedKey(
                        request.getHeaderString(API_KEY_HEADER), request.getHeaderString(HttpHeaders.AUTHORIZATION))
                .flatMap(keys::producerFor)
                .orElseThrow(() -> new GatewayException(
                        ReasonCode.UNAUTHORIZED,
                        "send a valid producer key in the " + API_KEY_HEADER
                                + " header or as Authorization: Bearer <key>"));
        request.setProperty(PRODUCER, producer);
    }
}
