package io.clipstream.clip.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.model.ClipModule;
import io.clipstream.clip.model.Linear;
import io.clipstream.clip.model.WeightView;
import io.clipstream.clip.tensor.NoGrad;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The LoRA adapter set of one model: attach / merge / unmerge / remove, weights as a named map
 * (PEFT keys), WiSE-FT interpolation, L2 pull, and PEFT file IO ({@code adapter_config.json} +
 * {@code adapter_model.safetensors}). At most one adapter set is active at a time; attaching
 * freezes nothing by itself: {@link io.clipstream.clip.ClipModel#addAdapter} does.
 *
 * <p>When the model's {@code logit_scale} is trainable, it travels with the adapter under the key
 * {@value #LOGIT_SCALE_KEY} (PEFT loads it as a plain model parameter).
 */
public final class LoraAdapters implements AutoCloseable {

    /** File names PEFT uses. */
    public static final String CONFIG_FILE = "adapter_config.json";

    /** File names PEFT uses. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    /** Key of the logit scale when it is saved with the adapter. */
    public static final String LOGIT_SCALE_KEY = LoraAdapter.PEFT_PREFIX + "logit_scale";

    private final NDManager manager;
    private final Map<String, ClipModule> modules;
    private final Parameter logitScale;
    private final List<LoraAdapter> adapters = new ArrayList<>();
    private LoraConfig config;
    private boolean logitScaleLoaded;

    /**
     * @param manager owner of adapter arrays (the model's manager)
     * @param modules the model's modules by HF path
     * @param logitScale the model's logit_scale parameter
     */
    public LoraAdapters(NDManager manager, Map<String, ClipModule> modules, Parameter logitScale) {
        this.manager = manager;
        this.modules = modules;
        this.logitScale = logitScale;
    }

    /** @return whether an adapter set is attached */
    public boolean isActive() {
        return config != null;
    }

    /** @return the active config, or null */
    public LoraConfig config() {
        return config;
    }

    /** @return the attached adapters in module order */
    public List<LoraAdapter> adapters() {
        return Collections.unmodifiableList(adapters);
    }

    /**
     * Attaches a fresh adapter to each matching linear: A Kaiming-uniform (a = sqrt(5), i.e.
     * U(-1/sqrt(in), 1/sqrt(in)), as PEFT), B zero, so the model's outputs do not change.
     *
     * @param cfg config
     * @param seed seed of A's initialisation
     * @return the number of wrapped linears
     */
    public int add(LoraConfig cfg, long seed) {
        requireInactive();
        Random rnd = new Random(seed);
        List<Linear> targets = targets(cfg);
        for (Linear lin : targets) {
            int in = lin.inFeatures();
            float bound = (float) (1.0 / Math.sqrt(in));
            float[] av = new float[cfg.r() * in];
            for (int i = 0; i < av.length; i++) {
                av[i] = (rnd.nextFloat() * 2f - 1f) * bound;
            }
            NDArray aArr = manager.create(av, new Shape(cfg.r(), in)).toDevice(device(lin), false);
            NDArray bArr = manager.zeros(new Shape(lin.outFeatures(), cfg.r()), DataType.FLOAT32, device(lin));
            attach(lin, aArr, bArr, cfg);
        }
        config = cfg;
        return targets.size();
    }

    private List<Linear> targets(LoraConfig cfg) {
        List<Linear> out = new ArrayList<>();
        for (Map.Entry<String, ClipModule> e : modules.entrySet()) {
            if (e.getValue() instanceof Linear lin && cfg.matches(e.getKey())) {
                out.add(lin);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("LoRA targets match no linear layer: " + cfg);
        }
        return out;
    }

    private static ai.djl.Device device(Linear lin) {
        return lin.weight().getArray().getDevice();
    }

    private void attach(Linear lin, NDArray aArr, NDArray bArr, LoraConfig cfg) {
        aArr.attach(manager);
        bArr.attach(manager);
        LoraAdapter ad = new LoraAdapter(lin, aArr, bArr, cfg.scaling(), cfg.dropout());
        lin.setAdapter(ad);
        adapters.add(ad);
    }

    private void requireInactive() {
        if (isActive()) {
            throw new IllegalStateException("an adapter is already attached; remove or merge it first");
        }
    }

    private void requireActive() {
        if (!isActive()) {
            throw new IllegalStateException("no adapter attached");
        }
    }

    /**
     * The adapter parameters (lora_A / lora_B) by PEFT key.
     *
     * @return name to parameter
     */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (LoraAdapter ad : adapters) {
            out.put(ad.loraA().getName(), ad.loraA());
            out.put(ad.loraB().getName(), ad.loraB());
        }
        return out;
    }

    /**
     * What the adapter file carries, as live arrays (do not close them), by PEFT key: every
     * lora_A / lora_B, plus {@value #LOGIT_SCALE_KEY} when the model's logit scale is trainable
     * or the loaded adapter carried it.
     *
     * @return name to array
     */
    public Map<String, NDArray> weights() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        parameters().forEach((k, p) -> out.put(k, p.getArray()));
        if (logitScale.requiresGradient() || logitScaleLoaded) {
            out.put(LOGIT_SCALE_KEY, logitScale.getArray());
        }
        return out;
    }

    /**
     * Detached copies of the adapter arrays, owned by {@code owner}.
     *
     * @param owner manager of the copies
     * @return name to copy
     */
    public Map<String, NDArray> copyWeights(NDManager owner) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NoGrad g = NoGrad.enter()) {
            weights().forEach((k, v) -> out.put(k, copy(v, owner)));
        }
        return out;
    }

    private static NDArray copy(NDArray v, NDManager owner) {
        NDArray c = v.duplicate();
        c.attach(owner);
        c.setName(v.getName());
        return c;
    }

    /**
     * Several adapters' weights ready to serve one batch together, row k by the k-th ({@link #serveRows}); owned by
     * this model's manager until closed.
     */
    public final class Rows implements AutoCloseable {
        private final int count;
        private final List<NDArray[]> perAdapter = new ArrayList<>();

        private Rows(List<Map<String, NDArray>> weights) {
            this.count = weights.size();
            try (NoGrad g = NoGrad.enter()) {
                for (LoraAdapter ad : adapters) {
                    perAdapter.add(new NDArray[] {
                        stack(weights, ad.loraA().getName()),
                        stack(weights, ad.loraB().getName())
                    });
                }
            }
        }

        private NDArray stack(List<Map<String, NDArray>> weights, String key) {
            try (NDManager scratch = manager.newSubManager()) {
                List<NDArray> t = new ArrayList<>();
                for (Map<String, NDArray> w : weights) {
                    NDArray v = w.get(key);
                    if (v == null) {
                        throw new IllegalArgumentException("missing adapter weight " + key);
                    }
                    NDArray local = v.toDevice(manager.getDevice(), true).toType(DataType.FLOAT32, false);
                    local.attach(scratch);
                    t.add(local.transpose());
                }
                NDArray out = NDArrays.stack(new NDList(t));
                out.attach(manager);
                return out;
            }
        }

        /** How many adapters, so how many rows a batch served by them has. */
        public int count() {
            return count;
        }

        @Override
        public void close() {
            perAdapter.forEach(p -> {
                p[0].close();
                p[1].close();
            });
        }
    }

    /** {@code weights} (each as {@link #copyWeights} gives it) stacked to serve one batch together. */
    public Rows rows(List<Map<String, NDArray>> weights) {
        requireActive();
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no adapters to serve");
        }
        return new Rows(weights);
    }

    /**
     * Serves a batch of {@code rows.count()} rows, row k through the k-th adapter of {@code rows} (one base pass for
     * them all, inference only), until {@link #serveOne()}.
     */
    public void serveRows(Rows rows) {
        requireActive();
        for (int i = 0; i < adapters.size(); i++) {
            adapters.get(i).serveRows(rows.perAdapter.get(i)[0], rows.perAdapter.get(i)[1]);
        }
    }

    /** Every row through the live adapter's own weights again. */
    public void serveOne() {
        adapters.forEach(LoraAdapter::serveOne);
    }

    /**
     * Copies values into the live adapter (in place, outside autograd). Every adapter key must be
     * present; {@value #LOGIT_SCALE_KEY} is applied when present.
     *
     * @param values name to array (any manager/device)
     */
    public void setWeights(Map<String, NDArray> values) {
        requireActive();
        try (NoGrad g = NoGrad.enter()) {
            for (LoraAdapter ad : adapters) {
                assign(ad.loraA(), values);
                assign(ad.loraB(), values);
            }
            NDArray ls = values.get(LOGIT_SCALE_KEY);
            if (ls != null) {
                assignArray(logitScale.getArray(), ls, LOGIT_SCALE_KEY);
            }
        }
    }

    private static void assign(Parameter p, Map<String, NDArray> values) {
        NDArray v = values.get(p.getName());
        if (v == null) {
            throw new IllegalArgumentException("missing adapter weight " + p.getName());
        }
        assignArray(p.getArray(), v, p.getName());
    }

    private static void assignArray(NDArray target, NDArray v, String name) {
        if (!target.getShape().equals(v.getShape())) {
            throw new IllegalArgumentException(name + ": shape " + v.getShape() + " != " + target.getShape());
        }
        try (NDArray src = v.toDevice(target.getDevice(), true).toType(DataType.FLOAT32, false)) {
            target.set(new NDIndex("..."), src);
        }
    }

    /**
     * WiSE-FT style {@code (1 - a) * prev + a * cand}, key by key.
     *
     * @param prev previous adapter
     * @param cand candidate adapter
     * @param a weight of the candidate
     * @param owner manager of the result
     * @return the interpolated map
     */
    public static Map<String, NDArray> interpolate(
            Map<String, NDArray> prev, Map<String, NDArray> cand, float a, NDManager owner) {
        if (!prev.keySet().equals(cand.keySet())) {
            throw new IllegalArgumentException("adapters have different keys");
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NoGrad g = NoGrad.enter()) {
            for (Map.Entry<String, NDArray> e : prev.entrySet()) {
                try (NDManager scratch = owner.newSubManager()) {
                    NDArray p = e.getValue().mul(1f - a);
                    p.attach(scratch);
                    NDArray c = cand.get(e.getKey()).mul(a);
                    c.attach(scratch);
                    if (!c.getDevice().equals(p.getDevice())) {
                        c = c.toDevice(p.getDevice(), false);
                    }
                    NDArray r = p.add(c);
                    r.attach(owner);
                    r.setName(e.getKey());
                    out.put(e.getKey(), r);
                }
            }
        }
        return out;
    }

    /**
     * {@code sum ||W - ref||^2} over the keys of {@code reference}, inside the autograd graph (for
     * an L2 pull toward a previous adapter).
     *
     * @param reference previous adapter weights (constants)
     * @param owner manager of the result and intermediates (e.g. the batch manager)
     * @return scalar
     */
    public NDArray squaredDistance(Map<String, NDArray> reference, NDManager owner) {
        return squaredDistance(reference, owner, WeightView.MASTER);
    }

    /** The same over the weights as {@code view} shows them (a mixed-precision step's fp16 working copies). */
    public NDArray squaredDistance(Map<String, NDArray> reference, NDManager owner, WeightView view) {
        Map<String, NDArray> live = new LinkedHashMap<>();
        parameters().forEach((k, p) -> live.put(k, view.of(p)));
        if (logitScale.requiresGradient() || logitScaleLoaded) {
            live.put(LOGIT_SCALE_KEY, view.of(logitScale));
        }
        NDArray total = null;
        for (Map.Entry<String, NDArray> e : reference.entrySet()) {
            NDArray w = live.get(e.getKey());
            if (w == null) {
                throw new IllegalArgumentException("no live adapter weight " + e.getKey());
            }
            NDArray d = w.sub(e.getValue());
            d.attach(owner);
            NDArray s = d.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? owner.zeros(new Shape()) : total;
    }

    /**
     * Draws every B from N(0, std²): an adapter that changes the outputs without training (B starts
     * at zero), for tests and demos that need versions which differ.
     *
     * @param seed engine seed
     * @param std standard deviation of B
     */
    public void randomiseB(long seed, float std) {
        requireActive();
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> w = copyWeights(tmp);
            tmp.getEngine().setRandomSeed((int) seed);
            for (Map.Entry<String, NDArray> e : w.entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) {
                    e.setValue(tmp.randomNormal(
                            0f, std, e.getValue().getShape(), e.getValue().getDataType()));
                }
            }
            setWeights(w);
        }
    }

    /** Merges every adapter into its base weight (inference speed; keeps A/B for unmerge). */
    public void merge() {
        requireActive();
        adapters.forEach(LoraAdapter::merge);
    }

    /** Undoes {@link #merge()}. */
    public void unmerge() {
        requireActive();
        adapters.forEach(LoraAdapter::unmerge);
    }

    /** @return whether the adapters are merged */
    public boolean isMerged() {
        return !adapters.isEmpty() && adapters.get(0).isMerged();
    }

    /**
     * Detaches and frees the adapters. Merged deltas stay in the base weights (PEFT's
     * merge_and_unload); unmerged ones vanish (PEFT's unload).
     */
    public void remove() {
        for (LoraAdapter ad : adapters) {
            ad.target().setAdapter(null);
            ad.close();
        }
        adapters.clear();
        config = null;
        logitScaleLoaded = false;
    }

    /**
     * Merges the current adapter into the base and attaches a fresh one with the same config
     * (the "merge + fresh adapter per increment" policy).
     *
     * @param seed seed of the new A
     */
    public void mergeAndReset(long seed) {
        requireActive();
        LoraConfig cfg = config;
        boolean carryScale = logitScaleLoaded;
        merge();
        remove();
        add(cfg, seed);
        logitScaleLoaded = carryScale;
    }

    /**
     * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (PEFT format).
     *
     * @param dir target directory (created)
     * @throws IOException on write failure
     */
    public void save(Path dir) throws IOException {
        requireActive();
        Files.createDirectories(dir);
        config.write(dir.resolve(CONFIG_FILE));
        try (NDManager tmp = manager.newSubManager(ai.djl.Device.cpu())) {
            NDList list = new NDList();
            for (Map.Entry<String, NDArray> e : weights().entrySet()) {
                NDArray c = e.getValue().toDevice(ai.djl.Device.cpu(), true);
                c.attach(tmp);
                c.setName(e.getKey());
                list.add(c);
            }
            try (OutputStream os = Files.newOutputStream(dir.resolve(WEIGHTS_FILE))) {
                list.encode(os, NDList.Encoding.SAFETENSORS);
            }
        }
    }

    /**
     * Replaces any attached adapter with the one saved in {@code dir} (PEFT format). Weights are
     * left unmerged and trainable.
     *
     * @param dir directory with adapter_config.json and adapter_model.safetensors
     * @throws IOException on read failure
     */
    public void load(Path dir) throws IOException {
        LoraConfig cfg = LoraConfig.read(dir.resolve(CONFIG_FILE));
        if (isActive()) {
            if (isMerged()) {
                unmerge();
            }
            remove();
        }
        io.clipstream.clip.SafetensorsCheck.check(
                dir.resolve(WEIGHTS_FILE), io.clipstream.clip.SafetensorsCheck.DEFAULT_MAX_HEADER_BYTES);
        try (NDManager tmp = manager.newSubManager(ai.djl.Device.cpu());
                InputStream is = Files.newInputStream(dir.resolve(WEIGHTS_FILE))) {
            NDList list = NDList.decode(tmp, is);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray arr : list) {
                byName.put(normaliseKey(arr.getName()), arr);
            }
            for (Linear lin : targets(cfg)) {
                NDArray aArr = byName.get(LoraAdapter.keyA(lin.path()));
                NDArray bArr = byName.get(LoraAdapter.keyB(lin.path()));
                if (aArr == null || bArr == null) {
                    throw new IOException("adapter lacks weights for " + lin.path());
                }
                // duplicate(): a decoded array may alias the Java buffer it was read from, which the GC frees
                // while the adapter trains (garbage or NaN weights after the first increment)
                attach(
                        lin,
                        aArr.toType(DataType.FLOAT32, false)
                                .toDevice(device(lin), false)
                                .duplicate(),
                        bArr.toType(DataType.FLOAT32, false)
                                .toDevice(device(lin), false)
                                .duplicate(),
                        cfg);
            }
            config = cfg;
            NDArray ls = byName.get(LOGIT_SCALE_KEY);
            if (ls != null) {
                try (NoGrad g = NoGrad.enter()) {
                    assignArray(logitScale.getArray(), ls, LOGIT_SCALE_KEY);
                }
                logitScaleLoaded = true;
            }
        }
    }

    /** PEFT may store keys with the adapter name ("lora_A.default.weight"); accept both. */
    private static String normaliseKey(String key) {
        return key.replace(".lora_A.default.weight", ".lora_A.weight")
                .replace(".lora_B.default.weight", ".lora_B.weight");
    }

    @Override
    public void close() {
        remove();
    }
}
