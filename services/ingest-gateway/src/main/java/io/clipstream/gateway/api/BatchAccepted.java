package io.clipstream.gateway.api;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** 202 answer for a batch: the ids in request order, and each pair's position on pairs.raw. */
@Schema(name = "BatchAccepted")
public record BatchAccepted(int count, List<String> pairIds, List<PairAccepted> pairs) {}
