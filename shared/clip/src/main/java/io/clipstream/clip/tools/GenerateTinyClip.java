package io.clipstream.clip.tools;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.clipstream.clip.ClipConfig;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.model.ClipDualEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a small random CLIP in Hugging Face layout ({@code config.json}, {@code
 * model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json}, {@code
 * special_tokens_map.json}) that loads through {@link ClipModel#load} like a real checkpoint.
 * Weights follow transformers' {@code CLIPPreTrainedModel._init_weights} (biases get small
 * random values so that tests exercise them).
 *
 * <pre>
 * GenerateTinyClip --out DIR [--image-size 32] [--patch 8] [--channels 3] [--width 64]
 *     [--layers 2] [--heads 4] [--intermediate 4*width] [--proj 64] [--context 16]
 *     [--act quick_gelu] [--seed 42] [--words "w1 w2 ..."] [--corpus captions.txt]
 * </pre>
 */
public final class GenerateTinyClip {

    private GenerateTinyClip() {}

    /**
     * CLI entry point.
     *
     * @param args see class doc
     * @throws IOException on write failure
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("bad argument: " + args[i]);
            }
            a.put(args[i].substring(2), args[++i]);
        }
        if (!a.containsKey("out")) {
            usage("--out is required");
        }
        TinyClipSpec d = TinyClipSpec.defaults();
        int width = intArg(a, "width", d.width());
        List<String> words = new ArrayList<>();
        if (a.containsKey("words")) {
            words.add(a.get("words"));
        }
        if (a.containsKey("corpus")) {
            words.addAll(Files.readAllLines(Path.of(a.get("corpus"))));
        }
        TinyClipSpec spec = new TinyClipSpec(
                intArg(a, "image-size", d.imageSize()),
                intArg(a, "patch", d.patchSize()),
                intArg(a, "channels", d.numChannels()),
                width,
                intArg(a, "layers", d.layers()),
                intArg(a, "heads", d.heads()),
                intArg(a, "intermediate", 4 * width),
                intArg(a, "proj", d.projectionDim()),
                intArg(a, "context", d.contextLength()),
                a.getOrDefault("act", d.hiddenAct()),
                Long.parseLong(a.getOrDefault("seed", String.valueOf(d.seed()))),
                words);
        Path out = Path.of(a.get("out"));
        generate(out, spec);
        System.out.println("tiny CLIP written to " + out.toAbsolutePath());
    }

    private static int intArg(Map<String, String> a, String k, int def) {
        return a.containsKey(k) ? Integer.parseInt(a.get(k)) : def;
    }

    private static void usage(String msg) {
        throw new IllegalArgumentException(msg
                + "\nusage: GenerateTinyClip --out DIR [--image-size 32] [--patch 8] [--channels 3]"
                + " [--width 64] [--layers 2] [--heads 4] [--intermediate N] [--proj 64]"
                + " [--context 16] [--act quick_gelu] [--seed 42] [--words \"...\"]"
                + " [--corpus captions.txt]");
    }

    /**
     * The config a spec yields for a given vocabulary size.
     *
     * @param spec shape
     * @param vocabSize vocabulary size (BOS = size - 2, EOS = size - 1)
     * @return the config
     */
    public static ClipConfig config(TinyClipSpec spec, int vocabSize) {
        ClipConfig.TextConfig text = new ClipConfig.TextConfig(
                vocabSize,
                spec.width(),
                spec.intermediate(),
                spec.layers(),
                spec.heads(),
                spec.contextLength(),
                spec.hiddenAct(),
                1e-5,
                vocabSize - 2,
                vocabSize - 1,
                vocabSize - 1);
        ClipConfig.VisionConfig vision = new ClipConfig.VisionConfig(
                spec.width(),
                spec.intermediate(),
                spec.layers(),
                spec.heads(),
                spec.imageSize(),
                spec.patchSize(),
                spec.numChannels(),
                spec.hiddenAct(),
                1e-5);
        return new ClipConfig(text, vision, spec.projectionDim(), 2.6592);
    }

    /**
     * Writes the model directory.
     *
     * @param out target directory (created)
     * @param spec shape and seed
     * @return the config written
     * @throws IOException on write failure
     */
    public static ClipConfig generate(Path out, TinyClipSpec spec) throws IOException {
        List<String> texts = new ArrayList<>(TinyTokenizerJson.DEFAULT_WORDS);
        texts.addAll(spec.extraWords());
        List<String> vocab = TinyTokenizerJson.vocabulary(texts);
        ClipConfig config = config(spec, vocab.size());
        Files.createDirectories(out);
        config.write(out.resolve(ClipModel.CONFIG_FILE));
        Files.writeString(out.resolve(ClipModel.TOKENIZER_FILE), TinyTokenizerJson.tokenizerJson(vocab));
        Files.writeString(
                out.resolve("tokenizer_config.json"), TinyTokenizerJson.tokenizerConfigJson(spec.contextLength()));
        Files.writeString(out.resolve("special_tokens_map.json"), TinyTokenizerJson.specialTokensMapJson());

        Map<String, Shape> shapes = new LinkedHashMap<>();
        new ClipDualEncoder(config).collectShapes(shapes);
        Random rnd = new Random(spec.seed());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDList list = new NDList();
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                float[] values = init(e.getKey(), e.getValue(), config, rnd);
                NDArray arr = m.create(values, e.getValue());
                arr.setName(e.getKey());
                list.add(arr);
            }
            try (OutputStream os = Files.newOutputStream(out.resolve(ClipModel.WEIGHTS_FILE))) {
                list.encode(os, NDList.Encoding.SAFETENSORS);
            }
        }
        return config;
    }

    private static float[] init(String name, Shape shape, ClipConfig c, Random rnd) {
        int n = Math.toIntExact(shape.size());
        float[] v = new float[n];
        if (name.equals("logit_scale")) {
            v[0] = (float) c.logitScaleInitValue();
            return v;
        }
        boolean text = name.startsWith("text_");
        int hidden = text ? c.text().hiddenSize() : c.vision().hiddenSize();
        int layers = text ? c.text().numHiddenLayers() : c.vision().numHiddenLayers();
        double inProjStd = Math.pow(hidden, -0.5) * Math.pow(2.0 * layers, -0.5);
        if (name.contains("layer_norm") || name.contains("layrnorm") || name.contains("layernorm")) {
            if (name.endsWith(".weight")) {
                java.util.Arrays.fill(v, 1f);
            }
            return v;
        }
        double std;
        if (name.endsWith(".bias")) {
            std = 0.02;
        } else if (name.endsWith("class_embedding")) {
            std = Math.pow(hidden, -0.5);
        } else if (name.contains("embedding")) {
            std = 0.02;
        } else if (name.contains("q_proj") || name.contains("k_proj") || name.contains("v_proj")) {
            std = inProjStd;
        } else if (name.contains("out_proj")) {
            std = Math.pow(hidden, -0.5);
        } else if (name.contains("mlp.fc1")) {
            std = Math.pow(2.0 * hidden, -0.5);
        } else if (name.contains("mlp.fc2")) {
            std = inProjStd;
        } else if (name.equals("text_projection.weight")) {
            std = Math.pow(c.text().hiddenSize(), -0.5);
        } else if (name.equals("visual_projection.weight")) {
            std = Math.pow(c.vision().hiddenSize(), -0.5);
        } else {
            throw new IllegalStateException("no init rule for " + name);
        }
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
        return v;
    }
}
