package io.clipstream.refresh.reindex;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.ExpertEncoder;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionManifest;
import io.clipstream.storage.ContentAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model versions as encoders: the base checkpoint and each version's files downloaded from the registry into a local
 * cache (checked against the version's MANIFEST.json, the hash and the base pin it was announced with), then opened:
 * a version of one adapter merged into the weights, a version of per-domain experts as its router over its experts.
 * Version 0 is the base without an adapter.
 */
public final class ModelFiles {
    private final Registry registry;
    private final Path cache;
    private final Device device;
    private final int batchSize;
    private final Precision precision;

    public ModelFiles(Registry registry, Path cache, Device device, int batchSize, Precision precision) {
        this.registry = registry;
        this.cache = cache;
        this.device = device;
        this.batchSize = batchSize;
        this.precision = precision;
    }

    /**
     * @param announcedAdapterSha256 the hash the version was announced with (null: an index state from before it was
     * kept)
     * @param basePin                the base the version was announced with; any other base is refused (null: accept
     * the
     *                               base as it is, for v0 and versions from before bases were pinned)
     */
    public VersionEncoder open(int version, String announcedAdapterSha256, ModelVersion.BasePin basePin)
            throws IOException {
        Path base = cache.resolve("base");
        ModelVersion.BasePin pin = registry.downloadBase(base, basePin, label(version));
        if (version == 0) {
            return VersionEncoder.of(
                    ClipEncoder.open(base, null, device, label(version), batchSize, precision),
                    space(pin, "base", null));
        }
        Path dir = cache.resolve("v" + version);
        registry.download(version, announcedAdapterSha256, dir);
        if (!ExpertSet.isIn(dir)) {
            return VersionEncoder.of(
                    ClipEncoder.open(base, dir, device, label(version), batchSize, precision),
                    space(pin, "adapter", dir));
        }
        ExpertSet set = ExpertSet.read(dir);
        Map<String, Path> adapterOf = new LinkedHashMap<>();
        Map<String, String> spaceOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : set.expertOfDomain().entrySet()) {
            Path folder = e.getValue() == null ? null : dir.resolve(ExpertSet.folder(e.getValue()));
            adapterOf.put(e.getKey(), folder);
            spaceOf.put(e.getKey(), folder == null ? space(pin, "expert-base", null) : space(pin, "expert", folder));
        }
        try {
            return VersionEncoder.of(
                    ExpertEncoder.open(
                            base,
                            DomainRouter.restore(set.router()),
                            adapterOf,
                            device,
                            label(version),
                            batchSize,
                            precision),
                    spaceOf);
        } catch (IllegalArgumentException e) {
            throw new IOException(label(version) + ": its experts do not load: " + e.getMessage(), e);
        }
    }

    /**
     * The id of a vector space: the base's pin, how its weights are applied, and the hash of the adapter's files (its
     * manifest rendered). Two versions that share an expert share its space, and so the cached vectors of it.
     */
    String space(ModelVersion.BasePin pin, String kind, Path adapterDir) throws IOException {
        String weights = adapterDir == null
                ? "none"
                : ContentAddress.sha256Hex(VersionManifest.render(adapterFiles(adapterDir)));
        // fp32 keeps the id it had before precision was a setting
        return kind + ":" + pin.checkpointSha256() + ":" + weights
                + (precision == Precision.FP32 ? "" : ":" + precision);
    }

    /**
     * The files that make an adapter (PEFT's {@code adapter_*}), less what describes the version rather than the
     * weights.
     */
    private static Map<String, String> adapterFiles(Path dir) throws IOException {
        Map<String, String> files = new java.util.TreeMap<>(VersionManifest.hashes(dir));
        files.keySet().removeIf(f -> !f.startsWith("adapter_"));
        if (files.isEmpty()) {
            throw new IOException(dir + " holds no adapter_* file");
        }
        return files;
    }

    public static String label(int version) {
        return version == 0 ? "base" : "v" + version;
    }
}
