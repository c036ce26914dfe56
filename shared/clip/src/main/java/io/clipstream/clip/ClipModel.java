package io.clipstream.clip;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.model.ClipDualEncoder;
import io.clipstream.clip.model.ClipModule;
import io.clipstream.clip.model.WeightView;
import io.clipstream.clip.precision.HalfWeights;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.clip.tensor.NoGrad;
import io.clipstream.clip.tokenize.ClipTokenizer;
import io.clipstream.clip.tokenize.TokenBatch;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CLIP model loaded from a Hugging Face directory ({@code config.json}, {@code
 * model.safetensors}, {@code tokenizer.json}), with its tokenizer, image preprocessing and LoRA
 * adapters. Base weights load frozen.
 *
 * <p>Inference ({@code encode*}) runs batched under no-grad in per-batch sub-managers and returns
 * unit-norm embeddings. Training code calls {@link #forward} (or the per-tower variants) inside a
 * {@code GradientCollector}, on arrays it owns in a per-step manager. Not safe for concurrent
 * mutation (adapter changes, optimizer steps) while other threads encode: serving uses a {@link
 * ClipEncoder}, which nothing can change.
 */
public final class ClipModel implements ImageTextEmbedder, AutoCloseable {

    /** HF file names. */
    public static final String CONFIG_FILE = "config.json";

    /** HF file names. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** HF file names. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private static final List<String> TOKENIZER_SIDE_FILES = List.of(
            TOKENIZER_FILE,
            "tokenizer_config.json",
            "special_tokens_map.json",
            "vocab.json",
            "merges.txt",
            "preprocessor_config.json");

    private final Path directory;
    private final ClipConfig config;
    private final ObjectNode rawConfig;
    private final Device device;
    private final NDManager manager;
    private final ClipDualEncoder network;
    private final Map<String, Parameter> baseParameters;
    private final LoraAdapters lora;
    private final ClipTokenizer tokenizer;
    private final ImagePreprocessor preprocessor;
    private int batchSize = 32;

    private ClipModel(
            Path directory,
            ClipConfig config,
            ObjectNode rawConfig,
            Device device,
            NDManager manager,
            ClipDualEncoder network,
            ClipTokenizer tokenizer) {
        this.directory = directory;
        this.config = config;
        this.rawConfig = rawConfig;
        this.device = device;
        this.manager = manager;
        this.network = network;
        this.tokenizer = tokenizer;
        this.preprocessor = new ImagePreprocessor(config.vision().imageSize());
        Map<String, Parameter> params = new LinkedHashMap<>();
        network.collectParameters(params);
        this.baseParameters = Collections.unmodifiableMap(params);
        Map<String, ClipModule> modules = new LinkedHashMap<>();
        network.collectModules(modules);
        this.lora = new LoraAdapters(manager, modules, network.logitScale());
    }

    /**
     * Loads on the engine's default device (a GPU when DJL sees one).
     *
     * @param dir HF model directory
     * @return the model
     * @throws IOException if a file is missing or malformed
     */
    public static ClipModel load(Path dir) throws IOException {
        return load(dir, Engine.getInstance().defaultDevice());
    }

    /**
     * Loads a HF CLIP directory. Weights are converted to float32; unknown tensors (e.g. {@code
     * position_ids} buffers) are ignored, missing ones are an error.
     *
     * @param dir HF model directory
     * @param device where the weights live
     * @return the model
     * @throws IOException if a file is missing or malformed
     */
    public static ClipModel load(Path dir, Device device) throws IOException {
        JsonNode raw = ClipConfig.JSON.readTree(dir.resolve(CONFIG_FILE).toFile());
        ClipConfig config = ClipConfig.fromJson(raw);
        ClipDualEncoder network = new ClipDualEncoder(config);
        NDManager manager = NDManager.newBaseManager(device);
        ClipTokenizer tokenizer = null;
        try {
            loadWeights(dir.resolve(WEIGHTS_FILE), network, manager, device);
            Path tok = dir.resolve(TOKENIZER_FILE);
            if (Files.exists(tok)) {
                tokenizer = ClipTokenizer.load(tok, config.text().maxPositionEmbeddings(), -1);
                long[] empty = tokenizer.ids("");
                long pad = empty.length > 0
                        ? empty[empty.length - 1]
                        : config.text().padTokenId();
                tokenizer.close();
                tokenizer = ClipTokenizer.load(tok, config.text().maxPositionEmbeddings(), pad);
            }
            ClipModel model = new ClipModel(dir, config, (ObjectNode) raw, device, manager, network, tokenizer);
            model.setBaseTrainable(false);
            return model;
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            manager.close();
            throw e;
        }
    }

    private static void loadWeights(Path file, ClipDualEncoder network, NDManager manager, Device device)
            throws IOException {
        Map<String, Parameter> params = new LinkedHashMap<>();
        network.collectParameters(params);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        network.collectShapes(shapes);
        SafetensorsCheck.check(file, SafetensorsCheck.DEFAULT_MAX_HEADER_BYTES);
        try (NDManager tmp = manager.newSubManager(Device.cpu());
                InputStream is = Files.newInputStream(file)) {
            NDList list = NDList.decode(tmp, is);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray a : list) {
                byName.put(a.getName(), a);
            }
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray a = byName.get(e.getKey());
                if (a == null) {
                    missing.add(e.getKey());
                    continue;
                }
                Shape expected = shapes.get(e.getKey());
                if (!a.getShape().equals(expected)) {
                    throw new IOException(
                            e.getKey() + ": checkpoint shape " + a.getShape() + ", config expects " + expected);
                }
                NDArray v = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
                v = v.getDevice().equals(device) ? v : v.toDevice(device, false);
                v.attach(manager);
                e.getValue().setArray(v);
            }
            if (!missing.isEmpty()) {
                throw new IOException(file + " lacks " + missing.size() + " weights, e.g. " + missing.get(0));
            }
        }
    }

    // ------------------------------------------------------------------ inference

    /**
     * @param texts captions / prompts
     * @return unit-norm text embeddings [N][projection_dim]
     */
    @Override
    public float[][] encodeTexts(List<String> texts) {
        return encodeTokens(requireTokenizer().encode(texts));
    }

    /**
     * @param tokens pre-tokenised batch (see {@link #tokenize})
     * @return unit-norm text embeddings [N][projection_dim]
     */
    public float[][] encodeTokens(TokenBatch tokens) {
        return batched(tokens.size(), (range, m) -> {
            TokenBatch t = tokens.slice(range[0], range[1]);
            return network.textEmbeds(t.idsArray(m), t.maskArray(m), false);
        });
    }

    /**
     * @param images any AWT images
     * @return unit-norm image embeddings [N][projection_dim]
     */
    public float[][] encodeImages(List<BufferedImage> images) {
        List<float[]> chw = new ArrayList<>(images.size());
        for (BufferedImage img : images) {
            chw.add(preprocessor.preprocess(img));
        }
        return encodePixels(chw);
    }

    /**
     * @param chw preprocessed images (CHW floats from {@link #preprocessor()})
     * @return unit-norm image embeddings [N][projection_dim]
     */
    @Override
    public float[][] encodePixels(List<float[]> chw) {
        return batched(
                chw.size(),
                (range, m) -> network.imageEmbeds(preprocessor.toBatch(m, chw.subList(range[0], range[1])), false));
    }

    /**
     * No-grad image embeddings of a tensor (e.g. for evaluation on the device).
     *
     * @param pixels [B, 3, S, S] float32
     * @return unit-norm [B, projection_dim], owned by the pixels' manager
     */
    public NDArray embedImages(NDArray pixels) {
        try (NoGrad g = NoGrad.enter()) {
            return network.imageEmbeds(onDevice(pixels), false);
        }
    }

    /**
     * No-grad text embeddings of a tensor.
     *
     * @param ids [B, T] int64
     * @param attentionMask [B, T] or null
     * @return unit-norm [B, projection_dim], owned by the ids' manager
     */
    public NDArray embedTexts(NDArray ids, NDArray attentionMask) {
        try (NoGrad g = NoGrad.enter()) {
            return network.textEmbeds(onDevice(ids), onDevice(attentionMask), false);
        }
    }

    private interface BatchFn {
        NDArray apply(int[] range, NDManager m);
    }

    private float[][] batched(int n, BatchFn fn) {
        int dim = config.projectionDim();
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            try (NDManager m = manager.newSubManager();
                    NoGrad g = NoGrad.enter()) {
                float[] flat = fn.apply(new int[] {start, end}, m).toFloatArray();
                for (int i = start; i < end; i++) {
                    out[i] = new float[dim];
                    System.arraycopy(flat, (i - start) * dim, out[i], 0, dim);
                }
            }
        }
        return out;
    }

    /**
     * Tokenises, truncates and pads to the context length.
     *
     * @param texts inputs
     * @return ids + mask
     */
    public TokenBatch tokenize(List<String> texts) {
        return requireTokenizer().encode(texts);
    }

    // ------------------------------------------------------------------ training

    /**
     * Training-friendly forward (attached to autograd inside a GradientCollector). Inputs are moved
     * to the model's device if needed; results belong to the inputs' manager.
     *
     * @param pixels [B, 3, S, S] float32, CLIP-normalised
     * @param ids [B', T] int64
     * @param attentionMask [B', T] or null
     * @param training enables LoRA dropout
     * @return unit-norm embeddings and {@code logit_scale.exp()}
     */
    public ClipOutput forward(NDArray pixels, NDArray ids, NDArray attentionMask, boolean training) {
        NDArray img = imageEmbeds(pixels, training);
        NDArray txt = textEmbeds(ids, attentionMask, training);
        return new ClipOutput(img, txt, network.logitScaleExp(img.getManager()));
    }

    /**
     * @param pixels [B, 3, S, S]
     * @param training enables LoRA dropout
     * @return unit-norm [B, projection_dim], attached to autograd
     */
    public NDArray imageEmbeds(NDArray pixels, boolean training) {
        return network.imageEmbeds(onDevice(pixels), training);
    }

    /**
     * @param ids [B, T] int64
     * @param attentionMask [B, T] or null
     * @param training enables LoRA dropout
     * @return unit-norm [B, projection_dim], attached to autograd
     */
    public NDArray textEmbeds(NDArray ids, NDArray attentionMask, boolean training) {
        return network.textEmbeds(onDevice(ids), onDevice(attentionMask), training);
    }

    /**
     * @param owner manager of the result
     * @return {@code logit_scale.exp()}, attached to autograd
     */
    public NDArray logitScale(NDManager owner) {
        return network.logitScaleExp(owner);
    }

    private NDArray onDevice(NDArray a) {
        return a == null || a.getDevice().equals(device) ? a : a.toDevice(device, false);
    }

    /** @return all base parameters by HF name (checkpoint order) */
    public Map<String, Parameter> baseParameters() {
        return baseParameters;
    }

    /**
     * Parameters that currently require gradients: trainable base parameters (HF names, e.g.
     * {@code logit_scale}) followed by adapter parameters (PEFT keys).
     *
     * @return name to parameter
     */
    public Map<String, Parameter> trainableParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        baseParameters.forEach((k, p) -> {
            if (p.requiresGradient()) {
                out.put(k, p);
            }
        });
        lora.parameters().forEach((k, p) -> {
            if (p.requiresGradient()) {
                out.put(k, p);
            }
        });
        return out;
    }

    /**
     * Full fine-tuning switch: makes every base parameter (logit scale included) trainable or
     * frozen.
     *
     * @param trainable true to train the base
     */
    public void setBaseTrainable(boolean trainable) {
        baseParameters.values().forEach(p -> p.freeze(!trainable));
    }

    /** @param trainable whether {@code logit_scale} trains */
    public void setLogitScaleTrainable(boolean trainable) {
        network.logitScale().freeze(!trainable);
    }

    /**
     * From now on the forward pass reads fp16 copies of the weights and returns fp32 embeddings; the parameters keep
     * the fp32 masters. Trainable weights get working copies that take the gradients; the logit scale stays fp32; an
     * adapter that does not train stays fp32 and is cast per call (experts are swapped into it by value). Until
     * {@link #useFullPrecision}; the copies belong to {@code owner} and to the returned object. Build them again
     * after anything changes the base weights (merging an adapter).
     */
    public HalfWeights useHalfPrecision(NDManager owner) {
        Map<String, Parameter> trainable = trainableParameters();
        List<Parameter> frozen = new ArrayList<>();
        baseParameters.values().forEach(p -> {
            if (!trainable.containsValue(p)) {
                frozen.add(p);
            }
        });
        HalfWeights half = HalfWeights.of(frozen, trainable.values(), Set.of(network.logitScale()), owner);
        network.useView(half);
        return half;
    }

    /**
     * For serving: the forward pass reads fp16 copies of the base weights from now on, and nothing trains; an adapter
     * stays fp32 and is cast per call (experts are swapped into it by value). Build again after merging an adapter.
     */
    public HalfWeights serveInHalfPrecision(NDManager owner) {
        HalfWeights half = HalfWeights.of(baseParameters.values(), List.of(), Set.of(network.logitScale()), owner);
        network.useView(half);
        return half;
    }

    /** The forward pass reads the fp32 parameters again. */
    public void useFullPrecision() {
        network.useView(WeightView.MASTER);
    }

    /** Zeroes the gradients of all trainable parameters (DJL's optimizers also do it per update). */
    public void zeroGradients() {
        for (Parameter p : trainableParameters().values()) {
            if (p.getArray() instanceof PtNDArray pt) {
                JniUtils.zeroGrad(pt);
            }
        }
    }

    // ------------------------------------------------------------------ LoRA

    /** @return the adapter set (merge, weights, IO, ...) */
    public LoraAdapters lora() {
        return lora;
    }

    /**
     * Freezes the base (logit scale included) and attaches a fresh adapter (B = 0, so outputs are
     * unchanged). Records this model's directory as the base in the config when none is given.
     *
     * @param cfg LoRA config
     * @param seed seed of A
     * @return number of wrapped linears
     */
    public int addAdapter(LoraConfig cfg, long seed) {
        setBaseTrainable(false);
        LoraConfig c = cfg.baseModelNameOrPath() == null ? cfg.withBaseModel(directory.toString()) : cfg;
        return lora.add(c, seed);
    }

    /**
     * Freezes the base and loads a PEFT adapter directory (replacing any attached adapter).
     *
     * @param dir directory with adapter_config.json and adapter_model.safetensors
     * @throws IOException on read failure
     */
    public void loadAdapter(Path dir) throws IOException {
        setBaseTrainable(false);
        lora.load(dir);
    }

    /**
     * @param dir target directory (PEFT format)
     * @throws IOException on write failure
     */
    public void saveAdapter(Path dir) throws IOException {
        lora.save(dir);
    }

    // ------------------------------------------------------------------ IO

    /**
     * Writes the base model in HF layout: {@code config.json}, {@code model.safetensors} (current
     * base weights, including merged adapter deltas; unmerged adapters are not included) and the
     * tokenizer files of the source directory.
     *
     * @param dir target directory (created)
     * @throws IOException on write failure
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CONFIG_FILE), ClipConfig.JSON.writeValueAsString(rawConfig));
        NDList list = new NDList();
        try (NDManager tmp = manager.newSubManager(Device.cpu())) {
            for (Map.Entry<String, Parameter> e : baseParameters.entrySet()) {
                NDArray a = e.getValue().getArray();
                if (!a.getDevice().equals(Device.cpu())) {
                    a = a.toDevice(Device.cpu(), true);
                    a.attach(tmp);
                }
                a.setName(e.getKey());
                list.add(a);
            }
            Path tmpFile = dir.resolve(WEIGHTS_FILE + ".tmp");
            try (OutputStream os = Files.newOutputStream(tmpFile)) {
                list.encode(os, NDList.Encoding.SAFETENSORS);
            }
            Files.move(tmpFile, dir.resolve(WEIGHTS_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isSameFile(dir, directory)) {
            for (String f : TOKENIZER_SIDE_FILES) {
                Path src = directory.resolve(f);
                if (Files.exists(src)) {
                    Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    /** @return the architecture */
    public ClipConfig config() {
        return config;
    }

    /** @return where the weights live */
    public Device device() {
        return device;
    }

    /** @return the manager owning weights and adapters */
    public NDManager manager() {
        return manager;
    }

    /** @return the DJL block tree */
    public ClipDualEncoder network() {
        return network;
    }

    /** @return the directory this model was loaded from */
    public Path directory() {
        return directory;
    }

    /** @return the tokenizer (null when the directory has no tokenizer.json) */
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    /** @return CLIP image preprocessing for this model's image size */
    @Override
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** @return the embedding dimension (projection_dim) */
    @Override
    public int dimension() {
        return config.projectionDim();
    }

    /** @return the text context length (max_position_embeddings) */
    public int contextLength() {
        return config.text().maxPositionEmbeddings();
    }

    /** @return the inference batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @param batchSize inference batch size for the encode methods */
    public void setBatchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
    }

    private ClipTokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException(directory + " has no " + TOKENIZER_FILE);
        }
        return tokenizer;
    }

    @Override
    public void close() {
        lora.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}
