package io.clipstream.refresh.loop;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Model versions as encoders: the base checkpoint and each version's adapter downloaded from the registry into a
 * local cache (checked against the version's MANIFEST.json, the adapter hash and the base pin it was announced with),
 * then opened.
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
     * @param announcedAdapterSha256 the adapter's sha256 on model.versions (null: an index state from before it was kept)
     * @param basePin                the base the version was announced with; any other base is refused (null: accept the
     *                               base as it is, for v0 and versions from before bases were pinned)
     */
    public ClipEncoder open(int version, String announcedAdapterSha256, ModelVersion.BasePin basePin) throws IOException {
        Path base = cache.resolve("base");
        registry.downloadBase(base, basePin, label(version));
        Path adapter = null;
        if (version > 0) {
            adapter = cache.resolve("v" + version);
            registry.download(version, announcedAdapterSha256, adapter);
            if (ExpertSet.isIn(adapter)) {
                throw new IOException(label(version) + " is a set of per-domain experts (the trainer's routed strategy), which this"
                        + " embedding refresh does not serve yet: the index stays on the version it holds");
            }
        }
        return ClipEncoder.open(base, adapter, device, label(version), batchSize);
    }

    public static String label(int version) {
        return version == 0 ? "base" : "v" + version;
    }
}
