package io.clipstream.trainer.run;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.train.EmbeddingMemo;
import io.clipstream.continual.train.Evaluator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The champion's embeddings of anchors, computed while the trainer waits for its next run: the anchors of the pairs
 * that wait are embedded as they arrive, so the run they trigger finds its baseline (the champion measured on every
 * domain's anchors) nearly done. Holds a second copy of the model (base + the champion's adapter), loaded on first
 * use and again whenever the champion changes; ids are sha256 of the images, so a memo by id is exact.
 */
final class ChampionEmbeddings implements AutoCloseable {
    private static final int INFERENCE_BATCH = 64;

    private int version = -1;
    private ClipModel model;
    private EmbeddingMemo memo;

    boolean holds(int championVersion) {
        return championVersion == version && model != null;
    }

    /**
     * Makes the champion {@code championVersion} (0: the base; adapter in {@code championDir}, else null) the one held.
     */
    void hold(int championVersion, Path baseDir, Path championDir, Device device) throws IOException {
        if (holds(championVersion)) {
            return;
        }
        close();
        ClipModel m = ClipModel.load(baseDir, device);
        try {
            m.setBatchSize(INFERENCE_BATCH);
            if (championDir != null) {
                m.loadAdapter(championDir);
            }
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        model = m;
        memo = EmbeddingMemo.textsAndImagesById();
        version = championVersion;
    }

    /** Whether {@code championVersion} is held and has embedded this sample's image. */
    boolean has(int championVersion, String sampleId) {
        return holds(championVersion) && memo.hasImage(sampleId);
    }

    /** Embeds the samples' images, captions and their domains' class prompts with the held champion. */
    void embed(Map<String, List<Sample>> anchors, Evaluator evaluator) {
        if (model == null || anchors.isEmpty()) {
            return;
        }
        evaluator.measure(model, anchors, Evaluator.ALL, memo);
    }

    /**
     * {@code known} completed with the held champion's measurements of the domains it lacks, from what was embedded
     * ahead (and whatever is missing, embedded now); {@code known} itself when another version (or none) is held.
     */
    Evaluator.Measured complete(
            int championVersion, Map<String, List<Sample>> anchors, Evaluator.Measured known, Evaluator evaluator) {
        if (!holds(championVersion)) {
            return known;
        }
        Map<String, List<Sample>> unknown = new LinkedHashMap<>(anchors);
        unknown.keySet().removeAll(known.metrics().keySet());
        if (unknown.isEmpty()) {
            return known;
        }
        Evaluator.Measured now = evaluator.measure(model, unknown, Evaluator.ALL, memo);
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>(known.metrics());
        metrics.putAll(now.metrics());
        Map<String, boolean[]> hits = new LinkedHashMap<>(known.zeroShotHits());
        hits.putAll(now.zeroShotHits());
        return new Evaluator.Measured(metrics, hits);
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
        model = null;
        memo = null;
        version = -1;
    }
}
