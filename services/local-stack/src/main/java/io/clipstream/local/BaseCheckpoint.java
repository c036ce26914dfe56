package io.clipstream.local;

import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.PutBase;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import java.io.IOException;
import java.nio.file.Path;

/** Puts a base checkpoint into the registry: the generated tiny CLIP, so the local stack needs nothing downloaded. */
final class BaseCheckpoint {
    static final String MODEL = "tiny";

    private BaseCheckpoint() {}

    static void put(Infra infra, Path work) throws IOException {
        Path dir = work.resolve("tiny-clip");
        GenerateTinyClip.generate(dir, TinyClipSpec.defaults());
        try (ObjectStore store = ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey()))) {
            PutBase.put(new Registry(store, new ModelLayout(MODEL)), dir);
        }
    }
}
