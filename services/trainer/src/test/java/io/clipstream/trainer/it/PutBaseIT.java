package io.clipstream.trainer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.continual.tools.PutBase;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Putting a base checkpoint into the registry with shared/continual's PutBase on the real S3 server: one that loads is
 * put, one that does not is refused.
 */
class PutBaseIT {
    @TempDir
    Path tmp;

    private ObjectStore store;
    private Registry registry;

    @BeforeEach
    void connect() {
        Infra infra = Infra.shared();
        store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "put-base-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true));
        store.ensureBucket();
        registry = new Registry(store, new ModelLayout("reg-tiny"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aBaseThatLoadsIsPutAndOneThatDoesNotIsRefused() throws Exception {
        Path good = tmp.resolve("good");
        GenerateTinyClip.generate(good, TinyClipSpec.defaults());
        Path broken = tmp.resolve("broken");
        GenerateTinyClip.generate(broken, TinyClipSpec.defaults());
        byte[] weights = Files.readAllBytes(broken.resolve("model.safetensors"));
        Files.write(broken.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));

        assertThatThrownBy(() -> PutBase.put(registry, broken))
                .hasMessageContaining("is not a CLIP checkpoint that loads");
        assertThat(store.list(registry.layout().base()))
                .as("nothing of a refused base is written")
                .isEmpty();

        PutBase.put(registry, good);
        assertThat(store.list(registry.layout().base()))
                .contains(
                        "models/reg-tiny/base/config.json",
                        "models/reg-tiny/base/model.safetensors",
                        "models/reg-tiny/base/tokenizer.json");
        Path back = tmp.resolve("back");
        registry.downloadBase(back);
        assertThat(Files.readAllBytes(back.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(good.resolve("model.safetensors")));
    }
}
