package io.clipstream.gateway.problem;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.gateway.GatewayMetrics;
import io.clipstream.gateway.auth.ApiKeyFilter;
import io.clipstream.gateway.kafka.PublishException;
import io.clipstream.gateway.validation.ValidationException;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every REST error as RFC 9457 problem JSON, counted by reason. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @Inject
    GatewayMetrics metrics;

    @ServerExceptionMapper
    public Response validation(ValidationException e, ContainerRequestContext request, UriInfo uri) {
        return refuse(Problems.of(e.reason(), e.getMessage(), path(uri), e.errors()), request);
    }

    @ServerExceptionMapper
    public Response gateway(GatewayException e, ContainerRequestContext request, UriInfo uri) {
        Response response = refuse(Problems.of(e.reason(), e.getMessage(), path(uri), List.of()), request);
        if (e.reason() == ReasonCode.UNAUTHORIZED) {
            return Response.fromResponse(response)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"clipstream\"")
                    .build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response unavailable(PublishException e, ContainerRequestContext request, UriInfo uri) {
        Problem problem = Problems.of(
                Problems.UNAVAILABLE,
                "the event log is unavailable",
                503,
                e.getMessage() + "; retry later with the same pairIds",
                path(uri),
                e.pairIds());
        return Response.fromResponse(refuse(problem, request))
                .header(HttpHeaders.RETRY_AFTER, "5")
                .build();
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e, ContainerRequestContext request, UriInfo uri) {
        return refuse(
                Problems.of(
                        ReasonCode.UNSUPPORTED_MEDIA_TYPE,
                        "content type '" + request.getMediaType()
                                + "' is not accepted here; use application/json (or multipart/form-data on /v1/pairs)",
                        path(uri),
                        List.of()),
                request);
    }

    /** 404, 405, 406... from JAX-RS itself: no ReasonCode applies. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        Problem problem = Problems.of(
                null,
                known == null ? "HTTP " + status : known.getReasonPhrase(),
                status,
                e.getMessage(),
                path(uri),
                List.of());
        return refuse(problem, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request, UriInfo uri) {
        LOG.errorf(e, "unexpected failure on %s", path(uri));
        return refuse(
                Problems.of(
                        Problems.INTERNAL_ERROR,
                        "internal error",
                        500,
                        "unexpected failure; see the gateway log",
                        path(uri),
                        List.of()),
                request);
    }

    private Response refuse(Problem problem, ContainerRequestContext request) {
        metrics.refused(problem.reason() == null ? "HTTP_" + problem.status() : problem.reason(), (String)
                request.getProperty(ApiKeyFilter.PRODUCER));
        return Problems.response(problem);
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }
}
