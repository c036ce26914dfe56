package io.clipstream.continual.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clipstream.clip.ClipModel;
import io.clipstream.registry.VersionManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes versions as local directories {@code <root>/<n>-<domains>/}: the PEFT adapter (adapter_config.json,
 * adapter_model.safetensors) or a routed version's experts (shared/registry's {@code ExpertSet} layout), metrics.json,
 * and MANIFEST.json written last. With
 * {@code mergeFresh} the adapter is then merged into the weights, the merged checkpoint is written to
 * {@code <version>/merged/} (HF layout) and a fresh adapter starts.
 */
public final class LocalVersions implements VersionPublisher {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final boolean mergeFresh;
    private final long seed;

    public LocalVersions(Path root, boolean mergeFresh, long seed) {
        this.root = root;
        this.mergeFresh = mergeFresh;
        this.seed = seed;
    }

    @Override
    public Published publish(ClipModel model, Promotion p) throws IOException {
        Path dir = root.resolve(p.number() + "-" + String.join("+", p.domains()));
        io.clipstream.registry.ExpertSet experts = null;
        if (p.experts() != null) {
            experts = p.experts().write(model, dir, "increment-" + p.number(), p.number());
        } else {
            model.saveAdapter(dir);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("version", p.number());
        metrics.put("domains", p.domains());
        metrics.put("strategy", p.strategy());
        metrics.put("parent_model", p.parentModel().toString());
        metrics.put(
                "parent_adapter",
                p.parentAdapter() == null ? null : p.parentAdapter().toString());
        metrics.put("chosen", p.chosen());
        metrics.put(
                "gate",
                Map.of(
                        "blessed",
                        p.decision().blessed(),
                        "reasons",
                        p.decision().reasons(),
                        "checks",
                        p.decision().checks()));
        metrics.put("anchor_metrics", p.metrics());
        JSON.writeValue(dir.resolve("metrics.json").toFile(), metrics);
        Published out;
        if (mergeFresh) {
            model.lora().mergeAndReset(seed + p.number());
            Path merged = dir.resolve("merged");
            model.save(merged);
            out = new Published(dir, merged, null);
        } else {
            out = new Published(dir, p.parentModel(), experts != null ? null : dir, experts);
        }
        VersionManifest.write(dir);
        return out;
    }
}
