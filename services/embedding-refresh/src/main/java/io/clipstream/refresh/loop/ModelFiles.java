package io.clipstream.refresh.loop;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.ExpertEncoder;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
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

    public ModelFiles(Registry registry, Path cache, Device device, int batchSize) {
        this.registry = registry;
        this.cache = cache;
        this.device = device;
        this.batchSize = batchSize;
    }

    /**
     * @param announcedAdapterSha256 the hash the version was announced with (null: an index state from before it was kept)
     * @param basePin                the base the version was announced with; any other base is refused (null: accept the
     *                               base as it is, for v0 and versions from before bases were pinned)
     */
    public VersionEncoder open(int version, String announcedAdapterSha256, ModelVersion.BasePin basePin) throws IOException {
        Path base = cache.resolve("base");
        registry.downloadBase(base, basePin, label(version));
        if (version == 0) return VersionEncoder.of(ClipEncoder.open(base, null, device, label(version), batchSize));
        Path dir = cache.resolve("v" + version);
        registry.download(version, announcedAdapterSha256, dir);
        if (!ExpertSet.isIn(dir)) return VersionEncoder.of(ClipEncoder.open(base, dir, device, label(version), batchSize));
        ExpertSet set = ExpertSet.read(dir);
        Map<String, Path> adapterOf = new LinkedHashMap<>();
        set.expertOfDomain().forEach((d, expert) -> adapterOf.put(d, expert == null ? null : dir.resolve(ExpertSet.folder(expert))));
        try {
            return VersionEncoder.of(ExpertEncoder.open(base, DomainRouter.restore(set.router()), adapterOf, device, label(version), batchSize));
        } catch (IllegalArgumentException e) {
            throw new IOException(label(version) + ": its experts do not load: " + e.getMessage(), e);
        }
    }

    public static String label(int version) {
        return version == 0 ? "base" : "v" + version;
    }
}
