package io.clipstream.clip.routing;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ServedVersion;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Inference with a version of per-domain experts: the base checkpoint, one LoRA adapter per routed domain (or the base
 * model itself), and the {@link DomainRouter} that picks an image's expert from the image. An image is embedded by its
 * expert (the router's features hold every expert's embedding of it, so routing costs one image pass per expert and
 * the embedding comes with it); a text by whichever experts are asked. The adapters take turns on one model (memory of
 * one base, whatever the number of experts), so calls run one at a time; {@link #close()} waits for the one in flight.
 */
public final class ExpertEncoder implements ServedVersion {
    private final ClipModel model;
    private final DomainRouter router;
    private final String version;
    /** The adapter of each routed domain, in the router's order; domains served by the base share one map. */
    private final Map<String, Map<String, NDArray>> adapters;
    /**
     * Every distinct expert stacked, to embed one text by all of them in one pass; null when one would not fit a batch.
     */
    private final LoraAdapters.Rows everyExpert;

    private final List<Map<String, NDArray>> distinct;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    /** An image embedded by its expert: the routed domain, its expert's embedding, and every expert's (for queries). */
    public record Routed(String domain, float[] embedding, Map<String, float[]> byExpert) {}

    private ExpertEncoder(
            ClipModel model,
            DomainRouter router,
            String version,
            Map<String, Map<String, NDArray>> adapters,
            int batchSize) {
        this.model = model;
        this.router = router;
        this.version = version;
        this.adapters = adapters;
        Map<Map<String, NDArray>, Boolean> seen = new IdentityHashMap<>();
        List<Map<String, NDArray>> d = new ArrayList<>();
        for (Map<String, NDArray> w : adapters.values()) {
            if (seen.put(w, true) == null) {
                d.add(w);
            }
        }
        this.distinct = List.copyOf(d);
        this.everyExpert = distinct.size() > 1 && distinct.size() <= batchSize
                ? model.lora().rows(distinct)
                : null;
    }

    /**
     * @param adapterOfDomain every domain the router routes, and the PEFT adapter directory of its expert (null: the
     *                        base model)
     */
    public static ExpertEncoder open(
            Path baseDir,
            DomainRouter router,
            Map<String, Path> adapterOfDomain,
            Device device,
            String version,
            int batchSize)
            throws IOException {
        return open(baseDir, router, adapterOfDomain, device, version, batchSize, Precision.FP32);
    }

    /** The same, embedding in fp16 when {@code precision} is {@code fp16-mixed} (the embeddings come out in fp32). */
    public static ExpertEncoder open(
            Path baseDir,
            DomainRouter router,
            Map<String, Path> adapterOfDomain,
            Device device,
            String version,
            int batchSize,
            Precision precision)
            throws IOException {
        if (!router.domains().equals(List.copyOf(adapterOfDomain.keySet()))) {
            throw new IllegalArgumentException(
                    "the router routes " + router.domains() + ", the experts are of " + adapterOfDomain.keySet());
        }
        ClipModel model = ClipModel.load(baseDir, device);
        try {
            model.setBatchSize(batchSize);
            Map<String, Map<String, NDArray>> adapters = new LinkedHashMap<>();
            Map<Path, Map<String, NDArray>> loaded = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : adapterOfDomain.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                Map<String, NDArray> w = loaded.get(e.getValue());
                if (w == null) {
                    model.loadAdapter(e.getValue());
                    w = model.lora().copyWeights(model.manager());
                    loaded.put(e.getValue(), w);
                }
                adapters.put(e.getKey(), w);
            }
            if (loaded.isEmpty()) {
                throw new IllegalArgumentException(version + ": a version of experts names no expert's adapter");
            }
            // the base model's own embedding, through the same adapter structure: every lora_B zero
            Map<String, NDArray> base =
                    new LinkedHashMap<>(loaded.values().iterator().next());
            base.replaceAll((k, v) -> k.contains("lora_B") ? v.zerosLike() : v);
            Map<String, Map<String, NDArray>> ordered = new LinkedHashMap<>();
            for (String d : router.domains()) {
                ordered.put(d, adapters.containsKey(d) ? adapters.get(d) : base);
            }
            if (precision.mixed()) {
                model.serveInHalfPrecision(model.manager());
            }
            return new ExpertEncoder(model, router, version, ordered, batchSize);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public String version() {
        return version;
    }

    /** The routed domains, in the router's order. */
    public List<String> domains() {
        return router.domains();
    }

    public ImagePreprocessor preprocessor() {
        return model.preprocessor();
    }

    public int dimension() {
        return model.dimension();
    }

    /** Each image ({@code chw}: preprocessed) routed and embedded by its expert. */
    public List<Routed> encodePixels(List<float[]> chw) {
        return encodePixels(chw, java.util.Collections.nCopies(chw.size(), Map.of()));
    }

    /**
     * The same, where {@code known.get(i)} holds image i's embedding by the experts of some domains from an earlier
     * pass (by domain): each expert runs only over the images it has no embedding of.
     */
    public List<Routed> encodePixels(List<float[]> chw, List<Map<String, float[]>> known) {
        if (known.size() != chw.size()) {
            throw new IllegalArgumentException(known.size() + " known rows for " + chw.size() + " images");
        }
        lock.lock();
        try {
            requireOpen();
            List<String> domains = router.domains();
            float[][][] given = new float[chw.size()][domains.size()][];
            for (int i = 0; i < given.length; i++) {
                for (int k = 0; k < domains.size(); k++) {
                    given[i][k] = known.get(i).get(domains.get(k));
                }
            }
            float[][] features = RoutingFeatures.of(model, List.copyOf(adapters.values()), chw, given);
            List<Routed> out = new ArrayList<>(chw.size());
            for (float[] row : features) {
                Map<String, float[]> byExpert = new LinkedHashMap<>();
                for (int k = 0; k < domains.size(); k++) {
                    byExpert.put(domains.get(k), RoutingFeatures.embedding(model, row, k));
                }
                String d = domains.get(router.decide(row).domain());
                out.add(new Routed(d, byExpert.get(d), byExpert));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The texts embedded by the expert of each domain of {@code domains} (one pass per distinct expert). */
    public Map<String, float[][]> encodeTexts(List<String> texts, List<String> domains) {
        lock.lock();
        try {
            requireOpen();
            Map<Map<String, NDArray>, float[][]> byAdapter = new IdentityHashMap<>();
            if (texts.size() == 1 && everyExpert != null && asksEveryExpert(domains)) {
                // a query: one base pass, row k through expert k, instead of one pass per expert (a query of some
                // experts only takes a pass per expert asked: the batched pass would run them all)
                model.lora().serveRows(everyExpert);
                try {
                    float[][] rows =
                            model.encodeTexts(java.util.Collections.nCopies(distinct.size(), texts.getFirst()));
                    for (int k = 0; k < rows.length; k++) {
                        byAdapter.put(distinct.get(k), new float[][] {rows[k]});
                    }
                } finally {
                    model.lora().serveOne();
                }
            }
            Map<String, float[][]> out = new LinkedHashMap<>();
            for (String d : domains) {
                if (!adapters.containsKey(d)) {
                    throw new IllegalArgumentException("no expert of domain " + d + "; routed: " + router.domains());
                }
                Map<String, NDArray> w = adapters.get(d);
                float[][] e = byAdapter.get(w);
                if (e == null) {
                    model.lora().setWeights(w);
                    e = model.encodeTexts(texts);
                    byAdapter.put(w, e);
                }
                out.put(d, e);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private boolean asksEveryExpert(List<String> domains) {
        Set<Map<String, NDArray>> asked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (String d : domains) {
            Map<String, NDArray> w = adapters.get(d);
            if (w != null) {
                asked.add(w);
            }
        }
        return asked.size() == distinct.size() && distinct.size() > 1;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the encoder of " + version + " is closed");
        }
    }

    /** Waits for the call in flight, then frees the weights; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                if (everyExpert != null) {
                    everyExpert.close();
                }
                model.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
