package io.clipstream.gateway.http;

import io.clipstream.contracts.Json;
import io.clipstream.gateway.problem.Problem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Problem answers given by Vert.x routes before the request body is read (oversized, unauthenticated,
 * over a limit). The connection is closed after the answer, so the body is never read; with
 * {@code drain}, a small body is read and discarded first, so that the client sees the answer
 * rather than a reset connection.
 */
public final class EarlyReplies {
    private EarlyReplies() {}

    public static void refuse(RoutingContext ctx, Problem problem, boolean drain, Map<String, String> headers) {
        HttpServerRequest request = ctx.request();
        var response = ctx.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close");
        headers.forEach(response::putHeader);
        response.endHandler(v -> {
                    if (!drain || request.isEnded()) {
                        request.connection().close();
                    } else {
                        request.handler(buffer -> {});
                        request.endHandler(end -> request.connection().close());
                        request.resume();
                    }
                })
                .end(Buffer.buffer(Json.write(problem)));
    }
}
