package io.clipstream.continual.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.tokenize.TokenBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code torch_reference.py} (bundled as a resource) with Debian's python3-torch; returns its JSON line. */
public final class TorchReference {
    private TorchReference() {}

    /** Where Debian's libopenblas0-pthread puts its libblas.so.3. */
    public static final Path DEBIAN_OPENBLAS = Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread");

    /**
     * @param blasDir directory with an optimised libblas.so.3 to load instead of the system's (null = system's)
     * @param lora the adapter's rank, alpha and target layers (the reference supports the attention and MLP ones)
     * @param tokens token ids and attention mask of the training batch (the same the DJL measurement used)
     */
    public static JsonNode run(
            String python,
            Path workDir,
            Path modelDir,
            LoraConfig lora,
            TokenBatch tokens,
            int steps,
            int embedBatch,
            int threads,
            Path blasDir)
            throws IOException, InterruptedException {
        Path script = workDir.resolve("torch_reference.py");
        try (InputStream in = TorchReference.class.getResourceAsStream("/python/torch_reference.py")) {
            if (in == null) {
                throw new IOException("torch_reference.py not on the classpath");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path tok = workDir.resolve("throughput_tokens.json");
        new ObjectMapper().writeValue(tok.toFile(), Map.of("ids", tokens.ids(), "mask", tokens.attentionMask()));
        List<String> cmd = List.of(
                python,
                script.toString(),
                "--config",
                modelDir.resolve("config.json").toString(),
                "--tokens",
                tok.toString(),
                "--rank",
                String.valueOf(lora.r()),
                "--alpha",
                String.valueOf(lora.alpha()),
                "--targets",
                String.join(",", lora.targetModules()),
                "--steps",
                String.valueOf(steps),
                "--embed-batch",
                String.valueOf(embedBatch),
                "--threads",
                String.valueOf(threads));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (blasDir != null) {
            // Debian's python3-torch links libblas.so.3: the netlib reference BLAS unless an optimised alternative is
            // installed; a directory holding OpenBLAS's libblas.so.3 puts it first for this process only
            String old = System.getenv("LD_LIBRARY_PATH");
            pb.environment().put("LD_LIBRARY_PATH", blasDir + (old == null || old.isBlank() ? "" : ":" + old));
        }
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("torch reference failed: " + out);
        }
        String last = out.lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("no JSON from torch reference: " + out));
        return new ObjectMapper().readTree(last);
    }
}
