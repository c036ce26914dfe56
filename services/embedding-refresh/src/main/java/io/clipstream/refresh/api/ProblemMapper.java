package io.clipstream.refresh.api;

import io.clipstream.contracts.Problem;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refusals as RFC 9457 problem JSON. */
public class ProblemMapper {
    @ServerExceptionMapper
    public Response map(ApiProblem p) {
        Response.ResponseBuilder r = Response.status(p.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(p.status(), p.reason(), title(p.status()), p.getMessage()));
        if (p.retryAfterSeconds() > 0) {
            r.header("Retry-After", Long.toString(p.retryAfterSeconds()));
        } else if (p.status() == 503) {
            r.header("Retry-After", "5");
        }
        if (p.status() == 401) {
            r.header("WWW-Authenticate", "Bearer");
        }
        return r.build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return map(new ApiProblem(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "send the query image as its bytes with Content-Type image/png, image/jpeg, ..."));
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "the query is not valid";
            case 401 -> "authentication required";
            case 413 -> "the query image is too large";
            case 415 -> "unsupported media type";
            case 429 -> "too many requests";
            case 503 -> "not serving yet";
            default -> "request refused";
        };
    }
}
