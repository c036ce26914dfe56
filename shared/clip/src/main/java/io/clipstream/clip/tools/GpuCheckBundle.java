package io.clipstream.clip.tools;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes what {@code deploy/gpu-check/gpu_check.py} reads on a machine without a JDK: a generated tiny CLIP in
 * Hugging Face layout, one PEFT LoRA adapter per expert (seeded random weights, so that each changes the outputs),
 * and this project's embeddings of fixed inputs through the base and through each expert. About 1.6 MiB.
 *
 * <pre>
 * GpuCheckBundle --out DIR [--experts original,sketch] [--seed 42]
 *   DIR/base/  DIR/experts/NAME/  DIR/dump/base.json  DIR/dump/NAME.json
 * </pre>
 */
public final class GpuCheckBundle {
    private GpuCheckBundle() {}

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<String> experts = List.of("original", "sketch");
        long seed = 42;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--experts" -> experts = List.of(args[i + 1].split(","));
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("usage: GpuCheckBundle --out DIR [--experts a,b] [--seed N]");
        }
        write(out, experts, seed);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    public static void write(Path out, List<String> experts, long seed) throws IOException {
        Path base = out.resolve("base");
        Path dump = out.resolve("dump");
        Files.createDirectories(dump);
        GenerateTinyClip.generate(base, TinyClipSpec.defaults().withSeed(seed));
        try (ClipModel clip = ClipModel.load(base)) {
            DumpEmbeddings.dump(clip, null, dump.resolve("base.json"));
        }
        for (int k = 0; k < experts.size(); k++) {
            String name = experts.get(k);
            Path adapter = out.resolve("experts").resolve(name);
            try (ClipModel clip = ClipModel.load(base)) {
                clip.addAdapter(LoraConfig.attentionAndMlp(4, 8f), seed + k);
                clip.lora().randomiseB(seed + 100 + k, 0.2f);
                clip.saveAdapter(adapter);
                DumpEmbeddings.dump(clip, adapter, dump.resolve(name + ".json"));
            }
        }
    }
}
