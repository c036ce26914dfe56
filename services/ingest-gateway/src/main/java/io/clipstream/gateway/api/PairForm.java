package io.clipstream.gateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAPI description of the multipart form of POST /v1/pairs (the resource binds the parts itself). */
@Schema(name = "PairForm")
public record PairForm(
        @Schema(
                required = true,
                type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.STRING,
                format = "binary",
                description = "image file")
        String image,

        @Schema(required = true, description = "caption, UTF-8; may be empty")
        String text,

        @Schema(description = "domain") String domain,

        @Schema(description = "pair id; a UUID is generated when absent")
        String pairId) {}
