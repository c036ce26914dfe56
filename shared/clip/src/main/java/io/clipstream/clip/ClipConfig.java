package io.clipstream.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The architecture of a CLIP dual encoder, read from (and written as) a Hugging Face {@code
 * config.json} of {@code model_type} "clip". Missing fields take the defaults of transformers'
 * {@code CLIPTextConfig} / {@code CLIPVisionConfig} / {@code CLIPConfig}.
 *
 * @param text the text tower
 * @param vision the vision tower
 * @param projectionDim size of the shared embedding space
 * @param logitScaleInitValue initial value of {@code logit_scale} (log of the inverse temperature)
 */
public record ClipConfig(TextConfig text, VisionConfig vision, int projectionDim, double logitScaleInitValue) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The text transformer.
     *
     * @param vocabSize token vocabulary size
     * @param hiddenSize width
     * @param intermediateSize MLP width
     * @param numHiddenLayers depth
     * @param numAttentionHeads heads
     * @param maxPositionEmbeddings context length (77 for OpenAI CLIP)
     * @param hiddenAct "quick_gelu" or "gelu"
     * @param layerNormEps layer norm epsilon
     * @param bosTokenId begin-of-text id
     * @param eosTokenId end-of-text id; 2 selects HF's legacy pooling (argmax of the ids)
     * @param padTokenId padding id
     */
    public record TextConfig(
            int vocabSize,
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int maxPositionEmbeddings,
            String hiddenAct,
            double layerNormEps,
            int bosTokenId,
            int eosTokenId,
            int padTokenId) {}

    /**
     * The vision transformer.
     *
     * @param hiddenSize width
     * @param intermediateSize MLP width
     * @param numHiddenLayers depth
     * @param numAttentionHeads heads
     * @param imageSize input side in pixels
     * @param patchSize patch side in pixels
     * @param numChannels input channels (3)
     * @param hiddenAct "quick_gelu" or "gelu"
     * @param layerNormEps layer norm epsilon
     */
    public record VisionConfig(
            int hiddenSize,
            int intermediateSize,
            int numHiddenLayers,
            int numAttentionHeads,
            int imageSize,
            int patchSize,
            int numChannels,
            String hiddenAct,
            double layerNormEps) {

        /** @return number of patches per image (without the class token) */
        public int numPatches() {
            return (imageSize / patchSize) * (imageSize / patchSize);
        }
    }

    /**
     * Reads a Hugging Face {@code config.json}.
     *
     * @param configJson path of the file
     * @return the config
     * @throws IOException if the file cannot be read
     */
    public static ClipConfig read(Path configJson) throws IOException {
        return fromJson(JSON.readTree(configJson.toFile()));
    }

    /**
     * Parses a Hugging Face CLIP config.
     *
     * @param root the JSON object
     * @return the config
     */
    public static ClipConfig fromJson(JsonNode root) {
        JsonNode t = root.path("text_config");
        JsonNode v = root.path("vision_config");
        TextConfig text = new TextConfig(
                t.path("vocab_size").asInt(49408),
                t.path("hidden_size").asInt(512),
                t.path("intermediate_size").asInt(2048),
                t.path("num_hidden_layers").asInt(12),
                t.path("num_attention_heads").asInt(8),
                t.path("max_position_embeddings").asInt(77),
                t.path("hidden_act").asText("quick_gelu"),
                t.path("layer_norm_eps").asDouble(1e-5),
                t.path("bos_token_id").asInt(49406),
                t.path("eos_token_id").asInt(49407),
                t.path("pad_token_id").asInt(1));
        VisionConfig vision = new VisionConfig(
                v.path("hidden_size").asInt(768),
                v.path("intermediate_size").asInt(3072),
                v.path("num_hidden_layers").asInt(12),
                v.path("num_attention_heads").asInt(12),
                v.path("image_size").asInt(224),
                v.path("patch_size").asInt(32),
                v.path("num_channels").asInt(3),
                v.path("hidden_act").asText("quick_gelu"),
                v.path("layer_norm_eps").asDouble(1e-5));
        return new ClipConfig(
                text,
                vision,
                root.path("projection_dim").asInt(512),
                root.path("logit_scale_init_value").asDouble(2.6592));
    }

    /** @return this config as a Hugging Face {@code config.json} object */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("architectures").add("CLIPModel");
        root.put("model_type", "clip");
        root.put("projection_dim", projectionDim);
        root.put("logit_scale_init_value", logitScaleInitValue);
        root.put("initializer_factor", 1.0);
        root.put("torch_dtype", "float32");
        ObjectNode t = root.putObject("text_config");
        t.put("model_type", "clip_text_model");
        t.put("vocab_size", text.vocabSize());
        t.put("hidden_size", text.hiddenSize());
        t.put("intermediate_size", text.intermediateSize());
        t.put("projection_dim", projectionDim);
        t.put("num_hidden_layers", text.numHiddenLayers());
        t.put("num_attention_heads", text.numAttentionHeads());
        t.put("max_position_embeddings", text.maxPositionEmbeddings());
        t.put("hidden_act", text.hiddenAct());
        t.put("layer_norm_eps", text.layerNormEps());
        t.put("attention_dropout", 0.0);
        t.put("initializer_range", 0.02);
        t.put("initializer_factor", 1.0);
        t.put("bos_token_id", text.bosTokenId());
        t.put("eos_token_id", text.eosTokenId());
        t.put("pad_token_id", text.padTokenId());
        ObjectNode v = root.putObject("vision_config");
        v.put("model_type", "clip_vision_model");
        v.put("hidden_size", vision.hiddenSize());
        v.put("intermediate_size", vision.intermediateSize());
        v.put("projection_dim", projectionDim);
        v.put("num_hidden_layers", vision.numHiddenLayers());
        v.put("num_attention_heads", vision.numAttentionHeads());
        v.put("num_channels", vision.numChannels());
        v.put("image_size", vision.imageSize());
        v.put("patch_size", vision.patchSize());
        v.put("hidden_act", vision.hiddenAct());
        v.put("layer_norm_eps", vision.layerNormEps());
        v.put("attention_dropout", 0.0);
        v.put("initializer_range", 0.02);
        v.put("initializer_factor", 1.0);
        return root;
    }

    /**
     * Writes this config as {@code config.json}.
     *
     * @param configJson target file
     * @throws IOException if it cannot be written
     */
    public void write(Path configJson) throws IOException {
        Files.writeString(configJson, JSON.writeValueAsString(toJson()));
    }
}
