package io.clipstream.registry;

import io.clipstream.contracts.ModelVersion;
import java.time.Instant;
import java.util.Map;

/**
 * A version's lineage, as {@code metrics.json} of its directory holds it: everything its announcement on
 * model.versions says, so that a restart can announce a version from storage alone.
 *
 * @param basePin  the base checkpoint and tokenizer it was trained on (null in a version from before bases were pinned)
 * @param baseline the champion's metrics on the same anchors when the version was gated
 */
public record VersionRecord(
        String model,
        int version,
        Integer parentVersion,
        String baseRef,
        ModelVersion.BasePin basePin,
        String adapterSha256,
        ModelVersion.DataWindow dataWindow,
        Map<String, Map<String, Double>> metrics,
        Map<String, Map<String, Double>> baseline,
        ModelVersion.Gate gate,
        String strategy,
        String runId,
        String device,
        Instant createdAt) {

    public ModelVersion announcement(ModelVersion.Announcement kind, int latestVersion, String bucket, Instant at) {
        return new ModelVersion(
                ModelVersion.SCHEMA_VERSION,
                model,
                version,
                parentVersion,
                kind,
                latestVersion,
                ModelVersion.CHAMPION,
                baseRef,
                basePin,
                "s3://" + bucket + "/" + new ModelLayout(model).version(version),
                adapterSha256,
                dataWindow,
                metrics,
                gate,
                runId,
                device,
                createdAt,
                at);
    }

    public VersionRecord withVersion(int n, String adapterSha) {
        return new VersionRecord(
                model,
                n,
                parentVersion,
                baseRef,
                basePin,
                adapterSha,
                dataWindow,
                metrics,
                baseline,
                gate,
                strategy,
                runId,
                device,
                createdAt);
    }
}
