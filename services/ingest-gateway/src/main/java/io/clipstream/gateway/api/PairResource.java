package io.clipstream.gateway.api;

import io.clipstream.gateway.GatewayMetrics;
import io.clipstream.gateway.auth.ApiKeyFilter;
import io.clipstream.gateway.kafka.PairPublisher;
import io.clipstream.gateway.kafka.PairPublisher.Published;
import io.clipstream.gateway.problem.Problem;
import io.clipstream.gateway.validation.DomainAssignment;
import io.clipstream.gateway.validation.PairSubmission;
import io.clipstream.gateway.validation.PairValidator;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Producers' entry: validate the shape, publish to pairs.raw, answer 202 once the broker has acked.
 * Runs on worker threads (blocking: it waits for the ack).
 */
@Path("/v1/pairs")
@Tag(name = "pairs")
@SecuritySchemes({
    @SecurityScheme(
            securitySchemeName = "apiKey",
            type = SecuritySchemeType.APIKEY,
            in = SecuritySchemeIn.HEADER,
            apiKeyName = ApiKeyFilter.API_KEY_HEADER),
    @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
})
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@APIResponse(
        responseCode = "401",
        description = "missing or unknown API key (UNAUTHORIZED)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "413",
        description = "body over quarkus.http.limits.max-body-size (PAYLOAD_TOO_LARGE) or batch over the pair limit "
                + "(BATCH_TOO_LARGE)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "415",
        description = "unsupported content type (UNSUPPORTED_MEDIA_TYPE)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
        responseCode = "503",
        description = "the broker did not acknowledge in time (UNAVAILABLE); retry with the returned pairIds",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class PairResource {
    /**
     * A single-pair submission may name its pairId in this header instead of the body (the same
     * value, if both). Retries after a 503 or a lost answer must reuse the pairId: the curator keeps
     * (producer, pairId) idempotent, so a retry never makes a second pair.
     */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static final String PAIR_ID_HEADER = "X-Pair-Id";

    @Inject
    PairValidator validator;

    @Inject
    DomainAssignment domains;

    @Inject
    PairPublisher publisher;

    @Inject
    GatewayMetrics metrics;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "submitPair",
            summary = "Submit one image-text pair (JSON)",
            description =
                    "Shape is validated here; content (caption, image decoding, duplicates) is checked by the curator, "
                            + "which ends every accepted pair curated or rejected. source is the producer bound to "
                            + "the API key.")
    @RequestBody(
            required = true,
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(implementation = PairSubmission.class)),
                @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(implementation = PairForm.class))
            })
    @APIResponse(
            responseCode = "202",
            description = "on pairs.raw; header X-Pair-Id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PairAccepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "INVALID_JSON, INVALID_FIELD, INVALID_IMAGE_ENCODING, DOMAIN_INVALID or DOMAIN_NOT_ALLOWED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response submit(
            byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @Context ContainerRequestContext request) {
        return accepted(request, validator.withIdempotencyKey(validator.parsePair(body), idempotencyKey));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true) // documented together with the JSON form above (same path and method)
    public Response submitForm(
            @RestForm("image") FileUpload image,
            @RestForm("text") String text,
            @RestForm("domain") String domain,
            @RestForm("pairId") String pairId,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            @Context ContainerRequestContext request) {
        byte[] bytes = image == null ? null : read(image);
        return accepted(
                request,
                validator.withIdempotencyKey(validator.validateForm(pairId, domain, text, bytes), idempotencyKey));
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            operationId = "submitBatch",
            summary = "Submit several pairs at once",
            description = "All-or-nothing shape validation: one invalid pair refuses the whole batch, with every error "
                    + "listed.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = BatchRequest.class)))
    @APIResponse(
            responseCode = "202",
            description = "every pair is on pairs.raw",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = BatchAccepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "INVALID_JSON, INVALID_FIELD, INVALID_IMAGE_ENCODING, DOMAIN_INVALID or DOMAIN_NOT_ALLOWED "
                    + "(errors lists each pair's problems)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response submitBatch(byte[] body, @Context ContainerRequestContext request) {
        String producer = producer(request);
        List<PairSubmission> pairs = validator.parseBatch(body);
        validator.checkImageRefs(pairs, producer, true);
        pairs = domains.assign(pairs, producer, true);
        List<PairAccepted> accepted = publisher.publish(producer, pairs).stream()
                .map(PairResource::toDto)
                .toList();
        metrics.accepted(producer);
        return Response.accepted(new BatchAccepted(
                        accepted.size(),
                        accepted.stream().map(PairAccepted::pairId).toList(),
                        accepted))
                .build();
    }

    private Response accepted(ContainerRequestContext request, PairSubmission pair) {
        String producer = producer(request);
        validator.checkImageRefs(List.of(pair), producer, false);
        List<PairSubmission> settled = domains.assign(List.of(pair), producer, false);
        PairAccepted accepted = toDto(publisher.publish(producer, settled).getFirst());
        metrics.accepted(producer);
        return Response.accepted(accepted)
                .header(PAIR_ID_HEADER, accepted.pairId())
                .build();
    }

    private static PairAccepted toDto(Published p) {
        return new PairAccepted(p.pairId(), p.topic(), p.partition(), p.offset());
    }

    private static String producer(ContainerRequestContext request) {
        return (String) request.getProperty(ApiKeyFilter.PRODUCER);
    }

    private static byte[] read(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded image part", e);
        }
    }
}
