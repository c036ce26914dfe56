package io.clipstream.refresh.api;

import io.clipstream.contracts.ApiKeys;
import io.clipstream.contracts.ClientLimits;
import io.clipstream.refresh.config.RefreshConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Deny by default: every {@code /v1/} request (search, the index's status, the operations view) needs a client key,
 * as the gateway needs a producer key: {@code X-Api-Key} or {@code Authorization: Bearer}. The page's own files stay
 * open (it asks for the key), and {@code /q/*} (health, metrics) is left to the network policy of the deploy files.
 */
@ApplicationScoped
public class SearchAuth {
    public static final String PROPERTY = "clipstream.refresh.api-keys";
    private static final Logger LOG = Logger.getLogger(SearchAuth.class);

    /** The client an image query was admitted for, to be released when it is answered. */
    private static final String ADMITTED = "clipstream.refresh.admitted-client";

    private final ApiKeys keys;
    private final ClientLimits imageQueries;

    public SearchAuth(RefreshConfig cfg) {
        this.keys = new ApiKeys(PROPERTY, cfg.apiKeys());
        RefreshConfig.Search s = cfg.search();
        this.imageQueries =
                new ClientLimits(s.imageRatePerSecond(), s.imageBurst(), s.imageMaxInFlight(), System::nanoTime);
        if (keys.isEmpty()) {
            LOG.warnf("no search keys configured (%s.<client>=<key>): every /v1 request gets 401", PROPERTY);
        }
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/")) {
            return;
        }
        String client = ApiKeys.presentedKey(
                        request.getHeaderString("X-Api-Key"), request.getHeaderString(HttpHeaders.AUTHORIZATION))
                .flatMap(keys::producerFor)
                .orElseThrow(() -> new ApiProblem(
                        401,
                        "UNAUTHORIZED",
                        "send a valid search key in the X-Api-Key header or as Authorization: Bearer <key>"));
        if (path.startsWith("/v1/search/image")) {
            ClientLimits.Decision d = imageQueries.tryAdmit(client);
            if (!d.admitted()) {
                throw new ApiProblem(
                        429,
                        "TOO_MANY_REQUESTS",
                        "client " + client + " is " + d.reason() + " for image queries; retry after "
                                + d.retryAfterSeconds() + " s",
                        d.retryAfterSeconds());
            }
            request.setProperty(ADMITTED, client);
        }
    }

    @ServerResponseFilter
    public void release(ContainerRequestContext request) {
        if (request.getProperty(ADMITTED) instanceof String client) {
            imageQueries.release(client);
        }
    }
}
