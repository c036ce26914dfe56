package io.clipstream.gateway.http;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.gateway.GatewayMetrics;
import io.clipstream.gateway.problem.Problems;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers oversized requests to /v1/* with a PAYLOAD_TOO_LARGE problem body. Quarkus enforces
 * {@code quarkus.http.limits.max-body-size} itself, but with an empty 413; this route runs just
 * before that check (order {@code ROUTE_ORDER_UPLOAD_LIMIT - 1}) with the same limit:
 * <ul>
 * <li>declared Content-Length over the limit: 413 at once, without reading the body;</li>
 * <li>no Content-Length (chunked) and not multipart: the body is buffered up to the limit here
 * (Quarkus REST reuses it); past the limit, 413.</li>
 * </ul>
 * The connection is closed after the answer; a body up to {@link #DRAIN_FACTOR} x limit is drained
 * first so that the client reads the answer instead of a connection reset. Authentication and
 * per-producer limits run before this ({@link io.clipstream.gateway.admission.AdmissionRoute}).
 */
@ApplicationScoped
public class BodyLimitRoute {
    static final int DRAIN_FACTOR = 4;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    @Inject
    GatewayMetrics metrics;

    void install(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        BodyHandler chunkedBody = BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false);
        router.route("/v1/*")
                .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                .handler(ctx -> {
                    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                    if (length != null) {
                        long declared = parse(length);
                        if (declared > limit) {
                            refuse(
                                    ctx,
                                    "request body of " + declared + " bytes exceeds the limit of " + limit + " bytes",
                                    declared <= DRAIN_FACTOR * limit);
                        } else {
                            ctx.next();
                        }
                    } else if (isChunkedNonMultipart(ctx.request())) {
                        chunkedBody.handle(ctx);
                    } else {
                        ctx.next();
                    }
                })
                .failureHandler(ctx -> {
                    if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                        refuse(ctx, "request body exceeds the limit of " + limit + " bytes", false);
                    } else {
                        ctx.next();
                    }
                });
    }

    private void refuse(RoutingContext ctx, String detail, boolean drain) {
        metrics.refused(ReasonCode.PAYLOAD_TOO_LARGE.name(), null);
        EarlyReplies.refuse(
                ctx,
                Problems.of(ReasonCode.PAYLOAD_TOO_LARGE, detail, ctx.request().path(), List.of()),
                drain,
                Map.of());
    }

    private static boolean isChunkedNonMultipart(HttpServerRequest request) {
        String te = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        if (te == null || !te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return false;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // Vert.x refuses malformed lengths itself
        }
    }
}
