package io.clipstream.refresh.api;

import io.clipstream.contracts.ApiKeys;
import io.clipstream.refresh.config.RefreshConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Search needs a client key, as the gateway needs a producer key: {@code X-Api-Key} or {@code Authorization: Bearer}. */
@ApplicationScoped
public class SearchAuth {
    public static final String PROPERTY = "clipstream.refresh.api-keys";
    private static final Logger LOG = Logger.getLogger(SearchAuth.class);

    private final ApiKeys keys;

    public SearchAuth(RefreshConfig cfg) {
        this.keys = new ApiKeys(PROPERTY, cfg.apiKeys());
        if (keys.isEmpty()) LOG.warnf("no search keys configured (%s.<client>=<key>): every search gets 401", PROPERTY);
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/search") && !path.startsWith("/v1/ops")) return;
        ApiKeys.presentedKey(request.getHeaderString("X-Api-Key"), request.getHeaderString(HttpHeaders.AUTHORIZATION))
                .flatMap(keys::producerFor)
                .orElseThrow(() -> new ApiProblem(401, "UNAUTHORIZED",
                        "send a valid search key in the X-Api-Key header or as Authorization: Bearer <key>"));
    }
}
