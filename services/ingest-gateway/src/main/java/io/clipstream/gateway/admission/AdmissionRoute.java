package io.clipstream.gateway.admission;

import io.clipstream.contracts.ApiKeys;
import io.clipstream.contracts.ClientLimits;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.gateway.GatewayConfig;
import io.clipstream.gateway.GatewayMetrics;
import io.clipstream.gateway.auth.ApiKeyFilter;
import io.clipstream.gateway.http.EarlyReplies;
import io.clipstream.gateway.problem.Problems;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * The first thing a /v1 request meets, before Quarkus reads or spools its body (multipart uploads
 * included): the API key from the headers, then the producer's rate and in-flight limits. A request
 * refused here is answered from its headers alone (401 or 429 with Retry-After) and its body is
 * never read, so an unauthenticated or over-eager client costs no memory, disk or Kafka write.
 */
@ApplicationScoped
public class AdmissionRoute {
    /** Bodies up to this are drained after a refusal so the client reads the answer; larger ones are cut off. */
    static final long DRAIN_LIMIT = 64 * 1024;

    @Inject
    ApiKeys keys;

    @Inject
    GatewayMetrics metrics;

    @Inject
    GatewayConfig config;

    private ClientLimits limits;

    void install(@Observes Router router) {
        GatewayConfig.Admission a = config.admission();
        limits = new ClientLimits(a.ratePerSecond(), a.burst(), a.maxInFlight(), System::nanoTime);
        router.route("/v1/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(this::admit);
    }

    private void admit(RoutingContext ctx) {
        var request = ctx.request();
        String producer = ApiKeys.presentedKey(
                        request.getHeader(ApiKeyFilter.API_KEY_HEADER), request.getHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(keys::producerFor)
                .orElse(null);
        if (producer == null) {
            metrics.refused(ReasonCode.UNAUTHORIZED.name(), null);
            EarlyReplies.refuse(
                    ctx,
                    Problems.of(
                            ReasonCode.UNAUTHORIZED,
                            "send a valid producer key in the " + ApiKeyFilter.API_KEY_HEADER
                                    + " header or as Authorization: Bearer <key>",
                            request.path(),
                            List.of()),
                    smallBody(ctx),
                    Map.of("WWW-Authenticate", "Bearer realm=\"clipstream\""));
            return;
        }
        ClientLimits.Decision decision = limits.tryAdmit(producer);
        if (!decision.admitted()) {
            metrics.refused(ReasonCode.TOO_MANY_REQUESTS.name(), producer);
            EarlyReplies.refuse(
                    ctx,
                    Problems.of(
                            ReasonCode.TOO_MANY_REQUESTS,
                            "producer " + producer + " is " + decision.reason() + "; retry after "
                                    + decision.retryAfterSeconds() + " s",
                            request.path(),
                            List.of()),
                    smallBody(ctx),
                    Map.of(HttpHeaders.RETRY_AFTER.toString(), Long.toString(decision.retryAfterSeconds())));
            return;
        }
        ctx.put(ApiKeyFilter.PRODUCER, producer); // ApiKeyFilter does not check the key a second time
        ctx.addEndHandler(done -> limits.release(producer));
        ctx.next();
    }

    private static boolean smallBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length != null && Long.parseLong(length.trim()) <= DRAIN_LIMIT;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
