package io.clipstream.clip.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * LoRA hyper-parameters, stored as PEFT's {@code adapter_config.json}.
 *
 * <p>Target matching follows PEFT: with a {@code targetRegex} the module path must fully match
 * it; otherwise a module matches when its path equals a target or ends with {@code "." + target}.
 *
 * @param r rank
 * @param alpha {@code lora_alpha}
 * @param dropout {@code lora_dropout} applied to the adapter input while training
 * @param targetModules module-name suffixes (PEFT list form), used when targetRegex is null
 * @param targetRegex PEFT string form of {@code target_modules} (full match), or null
 * @param useRslora scale alpha/sqrt(r) instead of alpha/r
 * @param baseModelNameOrPath recorded as {@code base_model_name_or_path}
 */
public record LoraConfig(
        int r,
        float alpha,
        float dropout,
        List<String> targetModules,
        String targetRegex,
        boolean useRslora,
        String baseModelNameOrPath) {

    /** q/k/v/out projections of both towers, PEFT's usual choice for CLIP. */
    public static final List<String> ATTENTION_TARGETS = List.of("q_proj", "k_proj", "v_proj", "out_proj");

    /** Every linear layer of both towers' blocks: the attention projections and the MLP's fc1/fc2. */
    public static final List<String> ATTENTION_AND_MLP_TARGETS =
            List.of("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Validates and copies. */
    public LoraConfig {
        if (r <= 0) {
            throw new IllegalArgumentException("r must be positive: " + r);
        }
        if (dropout < 0f || dropout >= 1f) {
            throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
        }
        targetModules = targetModules == null ? List.of() : List.copyOf(targetModules);
        if (targetRegex == null && targetModules.isEmpty()) {
            throw new IllegalArgumentException("no target modules");
        }
    }

    /**
     * Attention q/k/v/out of both towers.
     *
     * @param r rank
     * @param alpha lora_alpha
     * @return the config (no dropout)
     */
    public static LoraConfig attention(int r, float alpha) {
        return new LoraConfig(r, alpha, 0f, ATTENTION_TARGETS, null, false, null);
    }

    /**
     * Attention q/k/v/out and MLP fc1/fc2 of both towers.
     *
     * @param r rank
     * @param alpha lora_alpha
     * @return the config (no dropout)
     */
    public static LoraConfig attentionAndMlp(int r, float alpha) {
        return new LoraConfig(r, alpha, 0f, ATTENTION_AND_MLP_TARGETS, null, false, null);
    }

    /**
     * @param rate dropout
     * @return a copy with that dropout
     */
    public LoraConfig withDropout(float rate) {
        return new LoraConfig(r, alpha, rate, targetModules, targetRegex, useRslora, baseModelNameOrPath);
    }

    /**
     * @param regex PEFT string form of target_modules (full match on the module path)
     * @return a copy with that regex
     */
    public LoraConfig withTargetRegex(String regex) {
        return new LoraConfig(r, alpha, dropout, targetModules, regex, useRslora, baseModelNameOrPath);
    }

    /**
     * @param base base_model_name_or_path
     * @return a copy recording that base
     */
    public LoraConfig withBaseModel(String base) {
        return new LoraConfig(r, alpha, dropout, targetModules, targetRegex, useRslora, base);
    }

    /** @return the multiplier of {@code B @ A} */
    public float scaling() {
        return useRslora ? (float) (alpha / Math.sqrt(r)) : alpha / r;
    }

    /**
     * @param modulePath HF module path, e.g. {@code text_model.encoder.layers.0.self_attn.q_proj}
     * @return whether PEFT would wrap it
     */
    public boolean matches(String modulePath) {
        if (targetRegex != null) {
            return Pattern.compile(targetRegex).matcher(modulePath).matches();
        }
        for (String t : targetModules) {
            if (modulePath.equals(t) || modulePath.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** @return PEFT's adapter_config.json content */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("alpha_pattern");
        o.putNull("auto_mapping");
        if (baseModelNameOrPath == null) {
            o.putNull("base_model_name_or_path");
        } else {
            o.put("base_model_name_or_path", baseModelNameOrPath);
        }
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
        if (alpha == Math.rint(alpha)) {
            o.put("lora_alpha", (int) alpha);
        } else {
            o.put("lora_alpha", alpha);
        }
        o.put("lora_dropout", dropout);
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("r", r);
        o.putObject("rank_pattern");
        o.putNull("revision");
        if (targetRegex != null) {
            o.put("target_modules", targetRegex);
        } else {
            ArrayNode a = o.putArray("target_modules");
            targetModules.forEach(a::add);
        }
        o.putNull("task_type");
        o.put("use_dora", false);
        o.put("use_rslora", useRslora);
        return o;
    }

    /**
     * Parses PEFT's adapter_config.json.
     *
     * @param o JSON
     * @return config
     */
    public static LoraConfig fromJson(JsonNode o) {
        String type = o.path("peft_type").asText("LORA");
        if (!"LORA".equalsIgnoreCase(type)) {
            throw new IllegalArgumentException("not a LoRA adapter: peft_type " + type);
        }
        if (o.path("use_dora").asBoolean(false)) {
            throw new IllegalArgumentException("DoRA adapters are not supported");
        }
        String bias = o.path("bias").asText("none");
        if (!"none".equals(bias)) {
            throw new IllegalArgumentException("only bias \"none\" is supported, got " + bias);
        }
        if ((o.has("rank_pattern") && !o.get("rank_pattern").isEmpty())
                || (o.has("alpha_pattern") && !o.get("alpha_pattern").isEmpty())) {
            throw new IllegalArgumentException("rank_pattern / alpha_pattern are not supported");
        }
        JsonNode t = o.path("target_modules");
        List<String> targets = new ArrayList<>();
        String regex = null;
        if (t.isTextual()) {
            regex = t.asText();
        } else {
            t.forEach(n -> targets.add(n.asText()));
        }
        JsonNode base = o.path("base_model_name_or_path");
        int r = o.path("r").asInt(8);
        return new LoraConfig(
                r,
                (float) o.path("lora_alpha").asDouble(8),
                (float) o.path("lora_dropout").asDouble(0),
                targets,
                regex,
                o.path("use_rslora").asBoolean(false),
                base.isNull() || base.isMissingNode() ? null : base.asText());
    }

    /**
     * @param file adapter_config.json
     * @return config
     * @throws IOException on read failure
     */
    public static LoraConfig read(Path file) throws IOException {
        return fromJson(JSON.readTree(file.toFile()));
    }

    /**
     * @param file adapter_config.json
     * @throws IOException on write failure
     */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()));
    }
}
