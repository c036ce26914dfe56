package io.clipstream.gateway.problem;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.gateway.validation.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds problem bodies and responses; the one place that maps a reason to an HTTP status. */
public final class Problems {
    /** 503: the broker did not acknowledge in time. */
    public static final String UNAVAILABLE = ReasonCode.UNAVAILABLE.name();
    /** 500: a bug. */
    public static final String INTERNAL_ERROR = ReasonCode.INTERNAL_ERROR.name();

    private Problems() {}

    public static int status(ReasonCode reason) {
        return switch (reason) {
            case UNAUTHORIZED -> 401;
            case TOO_MANY_REQUESTS -> 429;
            case PAYLOAD_TOO_LARGE, BATCH_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNAVAILABLE -> 503;
            case INTERNAL_ERROR -> 500;
            default -> 400;
        };
    }

    public static Problem of(ReasonCode reason, String detail, String instance, List<FieldError> errors) {
        return new Problem(
                typeOf(reason.name()),
                reason.description(),
                status(reason),
                detail,
                instance,
                reason.name(),
                errors,
                List.of());
    }

    public static Problem of(
            String reason, String title, int status, String detail, String instance, List<String> pairIds) {
        return new Problem(
                reason == null ? "about:blank" : typeOf(reason),
                title,
                status,
                detail,
                instance,
                reason,
                List.of(),
                pairIds);
    }

    public static String typeOf(String reason) {
        return io.clipstream.contracts.Problem.type(reason);
    }

    public static Response response(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Json.write(problem))
                .build();
    }
}
