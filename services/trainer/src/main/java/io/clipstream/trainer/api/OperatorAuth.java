package io.clipstream.trainer.api;

import io.clipstream.contracts.Problem;
import io.clipstream.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Deny by default: every {@code /v1/} request, reads included (versions, lineage, what waits, what was refused),
 * needs the operator's bearer token ({@code clipstream.trainer.operator-token}); without one configured every such
 * request is refused. {@code /q/*} (health, metrics) stays open here and is left to the network policy of the deploy
 * files.
 */
@ApplicationScoped
public class OperatorAuth {
    private final Optional<byte[]> token;

    public OperatorAuth(TrainerConfig cfg) {
        this.token = cfg.operatorToken().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return null;
        }
        if (token.isEmpty()) {
            return refuse(
                    Response.Status.FORBIDDEN,
                    "OPERATOR_TOKEN_UNSET",
                    "set clipstream.trainer.operator-token to allow this");
        }
        String auth = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get())) {
            return refuse(Response.Status.UNAUTHORIZED, "UNAUTHENTICATED", "a valid operator bearer token is required");
        }
        return null;
    }

    private static Response refuse(Response.Status status, String code, String message) {
        return Response.status(status)
                .entity(Problem.of(status.getStatusCode(), code, status.getReasonPhrase(), message))
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }
}
