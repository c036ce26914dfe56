package io.clipstream.gateway.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.clipstream.gateway.validation.FieldError;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Every service's problem shape ({@link io.clipstream.contracts.Problem}: RFC 9457 problem details with a {@code
 * reason},
 * here a {@link io.clipstream.contracts.ReasonCode} name) and the gateway's two extensions: {@code errors} (every
 * shape violation, as JSON Pointers) and {@code pairIds} (on 503: the ids to retry with). Its own record for the
 * OpenAPI schema the gateway publishes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
        @Schema(examples = "https://clipstream.io/problems/invalid-json")
        String type,

        @Schema(examples = "request body is not valid JSON of the expected shape")
        String title,

        @Schema(examples = "400") int status,
        String detail,
        @Schema(examples = "/v1/pairs") String instance,

        @Schema(
                description = "ReasonCode name (INVALID_JSON, UNAUTHORIZED, PAYLOAD_TOO_LARGE, INVALID_FIELD, "
                        + "INVALID_IMAGE_ENCODING, UNSUPPORTED_MEDIA_TYPE, BATCH_TOO_LARGE, UNAVAILABLE, "
                        + "INTERNAL_ERROR)")
        String reason,

        List<FieldError> errors,

        @Schema(description = "On 503: the pair ids of the request, generated ones included; retry with them")
        List<String> pairIds) {

    public static final String MEDIA_TYPE = io.clipstream.contracts.Problem.MEDIA_TYPE;
}
