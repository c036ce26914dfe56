package io.clipstream.clip.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU check script on what this machine has: with torch (Debian's python3-torch) its comparisons run against the
 * pure-torch reference and must pass on a bundle and fail on a tampered one; without torch every check says it is
 * skipped and why. The LoRA step timing needs transformers and peft, which are not packaged here.
 */
class GpuCheckScriptIT {
    static final Path SCRIPT =
            Path.of("../../deploy/gpu-check/gpu_check.py").toAbsolutePath().normalize();

    /** The first python3 that imports torch (pyenv's may shadow Debian's, which has python3-torch), else the first. */
    static final String PYTHON = pythons().stream()
            .filter(p -> runs(p, "-c", "import torch"))
            .findFirst()
            .orElse(pythons().isEmpty() ? null : pythons().getFirst());

    @TempDir
    static Path tmp;

    static Path bundle;

    record Result(int exit, String output, JsonNode json) {}

    @BeforeAll
    static void bundle() throws IOException {
        Assumptions.assumeTrue(PYTHON != null, "no python3 on this machine");
        bundle = tmp.resolve("bundle");
        GpuCheckBundle.write(bundle, List.of("original", "sketch"), 7);
    }

    static List<String> pythons() {
        return List.of("python3", "/usr/bin/python3").stream()
                .filter(p -> runs(p, "--version"))
                .toList();
    }

    static boolean runs(String... cmd) {
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean torch() {
        return runs(PYTHON, "-c", "import torch");
    }

    static Result run(Path bundle) throws Exception {
        Path json = Files.createTempFile(tmp, "result", ".json");
        List<String> cmd = new ArrayList<>(List.of(
                PYTHON,
                SCRIPT.toString(),
                "--bundle",
                bundle.toString(),
                "--skip-lora-step",
                "--json",
                json.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the script ends").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out, new ObjectMapper().readTree(json.toFile()));
    }

    static String status(Result r, String check) {
        for (JsonNode c : r.json()) {
            if (c.get("check").asText().equals(check)) {
                return c.get("status").asText();
            }
        }
        throw new AssertionError("no " + check + " in " + r.output());
    }

    @Test
    void theBundlesComparisonsPassWithTorchAndAreSkippedWithoutIt() throws Exception {
        Result r = run(bundle);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.json()).hasSize(3);
        if (torch()) {
            assertThat(status(r, "embeddings")).as(r.output()).isEqualTo("PASS");
            assertThat(status(r, "experts")).as(r.output()).isEqualTo("PASS");
            assertThat(r.output()).contains("original, sketch");
        } else {
            assertThat(r.json())
                    .allSatisfy(c -> assertThat(c.get("status").asText()).isEqualTo("SKIP"));
            assertThat(r.output()).contains("torch not installed");
        }
    }

    @Test
    void anExpertWhoseEmbeddingsDifferFailsTheCheck() throws Exception {
        Assumptions.assumeTrue(torch(), "torch is not installed for python3 (apt-get install python3-torch)");
        Path tampered = tmp.resolve("tampered");
        copy(bundle, tampered);
        Path dump = tampered.resolve("dump/sketch.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(dump.toFile());
        ArrayNode first = (ArrayNode) root.get("image_embeds").get(0);
        first.set(0, first.get(0).asDouble() + 0.01);
        new ObjectMapper().writeValue(dump.toFile(), root);
        Result r = run(tampered);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(status(r, "embeddings")).isEqualTo("PASS");
        assertThat(status(r, "experts")).as(r.output()).isEqualTo("FAIL");
    }

    static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
