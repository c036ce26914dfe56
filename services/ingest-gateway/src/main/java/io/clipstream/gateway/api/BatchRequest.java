package io.clipstream.gateway.api;

import io.clipstream.gateway.validation.PairSubmission;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAPI description of POST /v1/pairs/batch (the body is parsed by PairValidator). */
@Schema(name = "BatchRequest")
public record BatchRequest(
        @Schema(required = true, description = "1 to clipstream.gateway.batch.max-pairs pairs")
        List<PairSubmission> pairs) {}
