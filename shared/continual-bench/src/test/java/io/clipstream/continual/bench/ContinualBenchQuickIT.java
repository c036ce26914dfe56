package io.clipstream.continual.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.datasets.FashionMnist;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs continual-bench --quick end to end (on fewer pairs than --quick: it checks what the bench reports, not what
 * the engine learns), with its comparison of fp16-mixed and fp32 on the first increment, and
 * checks the structure of what it reports (not the accuracy, but for fp16-mixed against fp32). The strategies stay in
 * fp32: fp16 arithmetic on a CPU is about 6 times slower.
 */
class ContinualBenchQuickIT {
    @Test
    void quickBenchProducesAFullMatrixPerStrategyAndGateDecisions(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                FashionMnist.isAvailable(FashionMnist.defaultDir()), "dataset-fashion-mnist not installed");
        BenchOptions o = BenchOptions.parse(new String[] {
            "--quick",
            "--train",
            "300",
            "--base-train",
            "500",
            "--base-epochs",
            "8",
            "--val",
            "50",
            "--test",
            "100",
            "--compare-precision",
            "fp16-mixed",
            "--no-torch",
            "--work",
            dir.toString()
        });
        Map<String, Object> res = ContinualBench.run(o);
        assertThat(res).containsKeys("base", "strategies", "throughput");
        JsonNode json = new ObjectMapper().readTree(o.jsonOut.toFile());
        assertThat(json.get("domains")).hasSize(4);
        JsonNode strategies = json.get("strategies");
        assertThat(strategies.fieldNames()).toIterable().contains("no-update", "naive", "guarded", "joint");
        for (JsonNode s : strategies) {
            assertThat(s.get("forgetting").asDouble()).isBetween(-1.0, 1.0);
            assertThat(s.get("per_seed")).hasSize(1);
            assertThat(s.get("intervals").get("acc").get("mean").asDouble())
                    .isEqualTo(s.get("acc").asDouble());
            JsonNode m = s.get("matrix");
            assertThat(m).hasSize(4);
            for (JsonNode row : m) {
                assertThat(row).hasSize(4);
                for (JsonNode v : row) {
                    assertThat(v.asDouble()).isBetween(0.0, 1.0);
                }
            }
            assertThat(s.get("acc").asDouble()).isBetween(0.0, 1.0);
            assertThat(s.get("bwt").asDouble()).isBetween(-1.0, 1.0);
        }
        // the floor: the base model never trained further, every row its row, nothing forgotten and nothing gained
        JsonNode none = strategies.get("no-update");
        assertThat(none.get("increments")).isEmpty();
        for (JsonNode row : none.get("matrix")) {
            assertThat(row).isEqualTo(none.get("matrix").get(0));
        }
        assertThat(none.get("bwt").asDouble()).isZero();
        assertThat(none.get("forgetting").asDouble()).isZero();
        for (String trained : List.of("naive", "guarded", "joint")) {
            assertThat(strategies.get(trained).get("increments")).hasSize(3);
        }
        for (JsonNode inc : strategies.get("guarded").get("increments")) {
            assertThat(inc.get("gate").get("blessed").isBoolean()).isTrue();
            assertThat(inc.get("gate").get("checks").size()).isPositive();
            assertThat(inc.get("chosen").asText()).isNotBlank();
        }
        assertThat(json.get("throughput").get("djl_train_samples_per_s").asDouble())
                .isPositive();
        assertThat(json.get("throughput").get("djl_embed_images_per_s").asDouble())
                .isPositive();
        assertThat(dir.resolve("base/model.safetensors")).exists();
        assertThat(dir.resolve("base/config.json")).exists();
        assertThat(dir.resolve("base/tokenizer.json")).exists();
        // every promoted increment is published as a PEFT adapter with its manifest
        for (JsonNode inc : strategies.get("naive").get("increments")) {
            Path v = Path.of(inc.get("version_dir").asText());
            assertThat(v.resolve("adapter_config.json")).exists();
            assertThat(v.resolve("adapter_model.safetensors")).exists();
            assertThat(v.resolve("MANIFEST.json")).exists();
        }
        assertThat(strategies
                        .get("naive")
                        .get("final_retrieval_r1")
                        .get("sketch")
                        .get("t2i_r1")
                        .asDouble())
                .isBetween(0.0, 1.0);

        // both precisions on the first increment, from the same base
        assertThat(json.get("increment_precision").asText()).isEqualTo("fp32");
        JsonNode precision = json.get("precision");
        assertThat(precision).hasSize(2);
        assertThat(precision.get(0).get("precision").asText()).isEqualTo("fp32");
        assertThat(precision.get(1).get("precision").asText()).isEqualTo("fp16-mixed");
        assertThat(precision.get(0).get("loss_scale").asDouble()).isEqualTo(1.0);
        for (JsonNode p : precision) {
            assertThat(p.get("final_loss").asDouble()).isFinite().isPositive();
            assertThat(p.get("steps").asInt())
                    .isEqualTo(precision.get(0).get("steps").asInt());
        }
        assertThat(precision.get(1).get("zero_shot").asDouble())
                .as("fp16-mixed against fp32, zero-shot on the test set")
                .isCloseTo(precision.get(0).get("zero_shot").asDouble(), org.assertj.core.api.Assertions.within(0.05));
    }
}
