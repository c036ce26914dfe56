package io.clipstream.continual.tools;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Puts a base checkpoint into the registry ({@code models/<model>/base/}): a Hugging Face CLIP directory a user has
 * (e.g. {@code openai/clip-vit-base-patch32}, downloaded beforehand), or the generated tiny CLIP. The checkpoint is
 * loaded first, so one that the trainer and embedding refresh could not load is refused here, not at their first run.
 * The object store is the services' own: {@code CLIPSTREAM_STORAGE_ENDPOINT}, {@code _ACCESS_KEY}, {@code _SECRET_KEY},
 * {@code _REGION}, {@code _BUCKET}.
 *
 * <pre>PutBase --model tiny (--dir HF_DIR | --generate-tiny)</pre>
 */
public final class PutBase {
    private PutBase() {}

    public static void main(String[] args) throws Exception {
        String model = null;
        Path dir = null;
        boolean generate = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--dir" -> dir = Path.of(args[++i]);
                case "--generate-tiny" -> generate = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (model == null || (dir == null) == !generate) {
            usage("give --model and one of --dir or --generate-tiny");
        }
        if (generate) {
            dir = Files.createTempDirectory("tiny-clip");
            GenerateTinyClip.generate(dir, TinyClipSpec.defaults());
        }
        Map<String, String> env = System.getenv();
        String endpoint = env.get("CLIPSTREAM_STORAGE_ENDPOINT");
        if (endpoint == null) {
            usage("set CLIPSTREAM_STORAGE_ENDPOINT, CLIPSTREAM_STORAGE_ACCESS_KEY and CLIPSTREAM_STORAGE_SECRET_KEY");
        }
        StorageConfig cfg = new StorageConfig(
                endpoint,
                env.getOrDefault("CLIPSTREAM_STORAGE_ACCESS_KEY", ""),
                env.getOrDefault("CLIPSTREAM_STORAGE_SECRET_KEY", ""),
                env.get("CLIPSTREAM_STORAGE_REGION"),
                env.get("CLIPSTREAM_STORAGE_BUCKET"),
                Duration.ofSeconds(60),
                5,
                true);
        try (ObjectStore store = ObjectStore.connect(cfg)) {
            ModelLayout layout = new ModelLayout(model);
            put(new Registry(store, layout), dir);
            System.out.printf("base checkpoint of %s in s3://%s/%s%n", model, cfg.bucket(), layout.base());
        }
    }

    /** Loads {@code dir} (refusing a checkpoint that does not load), then uploads it as the base. */
    public static void put(Registry registry, Path dir) throws IOException {
        try (ClipModel m = ClipModel.load(dir, Device.cpu())) {
            if (m.tokenizer() == null) {
                throw new IOException(
                        dir + " has no " + ClipModel.TOKENIZER_FILE + ": captions could not be tokenised");
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(dir + " is not a CLIP checkpoint that loads: " + e.getMessage(), e);
        }
        registry.store().ensureBucket();
        registry.uploadBase(dir);
    }

    private static void usage(String why) {
        System.err.println(why + "\nusage: PutBase --model NAME (--dir HF_CHECKPOINT_DIR | --generate-tiny)");
        System.exit(2);
    }
}
