package io.clipstream.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.clip.lora.LoraAdapter;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.tokenize.TokenBatch;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {

    ClipModel model;
    List<float[]> pixels = TinyModels.pixels(8, 32, 5);

    @BeforeEach
    void load() throws Exception {
        model = ClipModel.load(TinyModels.dir(), Device.cpu());
    }

    @AfterEach
    void close() {
        model.close();
    }

    private float[][][] outputs(ClipModel m) {
        return new float[][][] {m.encodeTexts(TinyModels.CAPTIONS), m.encodePixels(pixels)};
    }

    private static double diff(float[][][] a, float[][][] b) {
        return Math.max(TinyModels.maxAbsDiff(a[0], b[0]), TinyModels.maxAbsDiff(a[1], b[1]));
    }

    /** Gives B random values so that the adapter changes the outputs. */
    private static void randomiseB(ClipModel m, long seed) {
        m.lora().randomiseB(seed, 0.2f);
    }

    @Test
    void freshAdapterReproducesBaseExactly() {
        float[][][] base = outputs(model);
        int wrapped = model.addAdapter(LoraConfig.attention(4, 8f), 7);
        assertEquals(2 * 2 * 4, wrapped, "q/k/v/out of 2 layers in 2 towers");
        assertEquals(0.0, diff(base, outputs(model)));
        assertEquals(2 * wrapped, model.trainableParameters().size(), "only adapters train");
        assertTrue(model.trainableParameters().keySet().iterator().next().startsWith("base_model.model."));
    }

    @Test
    void regexTargetsSelectModules() {
        int n = model.addAdapter(LoraConfig.attention(2, 4f).withTargetRegex("vision_model\\..*\\.(q_proj|v_proj)"), 1);
        assertEquals(4, n);
        for (LoraAdapter a : model.lora().adapters()) {
            assertTrue(a.target().path().startsWith("vision_model."), a.target().path());
        }
    }

    @Test
    void peftAdapterRoundTrips(@TempDir Path dir) throws Exception {
        model.addAdapter(LoraConfig.attention(4, 8f), 7);
        randomiseB(model, 11);
        float[][][] adapted = outputs(model);
        model.saveAdapter(dir);

        JsonNode cfg = new ObjectMapper()
                .readTree(dir.resolve(LoraAdapters.CONFIG_FILE).toFile());
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals(4, cfg.get("r").asInt());
        assertEquals(8.0, cfg.get("lora_alpha").asDouble());
        assertEquals("none", cfg.get("bias").asText());
        assertTrue(cfg.get("task_type").isNull());
        assertEquals(4, cfg.get("target_modules").size());
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                InputStream is = Files.newInputStream(dir.resolve(LoraAdapters.WEIGHTS_FILE))) {
            NDList list = NDList.decode(m, is);
            assertEquals(32, list.size());
            NDArray a = list.get("base_model.model.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight");
            NDArray b = list.get("base_model.model.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight");
            assertEquals(new ai.djl.ndarray.types.Shape(4, 64), a.getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(64, 4), b.getShape());
        }

        try (ClipModel other = ClipModel.load(TinyModels.dir(), Device.cpu())) {
            other.loadAdapter(dir);
            assertEquals(0.0, diff(adapted, outputs(other)));
        }
    }

    @Test
    void mlpTargetsAdaptFc1AndFc2AndRoundTrip(@TempDir Path dir) throws Exception {
        float[][][] base = outputs(model);
        int wrapped = model.addAdapter(LoraConfig.attentionAndMlp(4, 8f), 7);
        assertEquals(2 * 2 * 6, wrapped, "q/k/v/out and fc1/fc2 of 2 layers in 2 towers");
        assertEquals(0.0, diff(base, outputs(model)));
        randomiseB(model, 5);
        float[][][] adapted = outputs(model);
        assertTrue(diff(base, adapted) > 1e-3, "adapter must change outputs");
        model.saveAdapter(dir);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                InputStream is = Files.newInputStream(dir.resolve(LoraAdapters.WEIGHTS_FILE))) {
            NDList list = NDList.decode(m, is);
            String fc1 = "base_model.model.vision_model.encoder.layers.1.mlp.fc1.lora_";
            String fc2 = "base_model.model.vision_model.encoder.layers.1.mlp.fc2.lora_";
            long inter = list.get(fc1 + "B.weight").getShape().get(0);
            assertTrue(inter > 64, "fc1 widens the 64-wide stream: " + inter);
            assertEquals(
                    new ai.djl.ndarray.types.Shape(4, 64),
                    list.get(fc1 + "A.weight").getShape());
            assertEquals(
                    new ai.djl.ndarray.types.Shape(4, inter),
                    list.get(fc2 + "A.weight").getShape());
            assertEquals(
                    new ai.djl.ndarray.types.Shape(64, 4),
                    list.get(fc2 + "B.weight").getShape());
        }
        try (ClipModel other = ClipModel.load(TinyModels.dir(), Device.cpu())) {
            other.loadAdapter(dir);
            assertEquals(0.0, diff(adapted, outputs(other)));
        }
    }

    @Test
    void mergeMatchesUnmergedAndUnmergeRestores() {
        float[][][] base = outputs(model);
        model.addAdapter(LoraConfig.attention(4, 8f), 7);
        randomiseB(model, 3);
        float[][][] adapted = outputs(model);
        assertTrue(diff(base, adapted) > 1e-3, "adapter must change outputs");
        model.lora().merge();
        assertTrue(model.lora().isMerged());
        assertTrue(diff(adapted, outputs(model)) < 1e-5);
        model.lora().unmerge();
        assertTrue(diff(adapted, outputs(model)) < 1e-5, "unmerged adapter still applies");
        model.lora().merge();
        model.lora().unmerge();
        model.lora().remove();
        assertTrue(diff(base, outputs(model)) < 1e-5, "base weights restored");
    }

    @Test
    void mergeAndResetKeepsOutputsAndStartsFresh(@TempDir Path dir) throws Exception {
        model.addAdapter(LoraConfig.attention(4, 8f), 7);
        randomiseB(model, 5);
        float[][][] adapted = outputs(model);
        model.lora().mergeAndReset(8);
        assertFalse(model.lora().isMerged());
        assertTrue(diff(adapted, outputs(model)) < 1e-5);
        for (Map.Entry<String, NDArray> e : model.lora().weights().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                assertEquals(0f, e.getValue().abs().max().getFloat());
            }
        }
        // the merged base saves as a new HF checkpoint
        model.save(dir);
        try (ClipModel merged = ClipModel.load(dir, Device.cpu())) {
            assertTrue(diff(adapted, outputs(merged)) < 1e-5);
        }
    }

    @Test
    void interpolationAndDistance() {
        model.addAdapter(LoraConfig.attention(2, 4f), 7);
        try (NDManager tmp = model.manager().newSubManager()) {
            Map<String, NDArray> prev = model.lora().copyWeights(tmp);
            randomiseB(model, 9);
            Map<String, NDArray> cand = model.lora().copyWeights(tmp);
            float[][][] candOut = outputs(model);

            model.lora().setWeights(LoraAdapters.interpolate(prev, cand, 0f, tmp));
            assertEquals(0f, model.lora().squaredDistance(prev, tmp).getFloat());
            model.lora().setWeights(LoraAdapters.interpolate(prev, cand, 1f, tmp));
            assertEquals(0.0, diff(candOut, outputs(model)));
            model.lora().setWeights(LoraAdapters.interpolate(prev, cand, 0.5f, tmp));
            float full = 0;
            for (String k : prev.keySet()) {
                full += cand.get(k).sub(prev.get(k)).square().sum().getFloat();
            }
            assertEquals(0.25f * full, model.lora().squaredDistance(prev, tmp).getFloat(), 1e-4 * full);

            // the distance is differentiable: d/dW sum (W - ref)^2 = 2 (W - ref)
            String key = "base_model.model.vision_model.encoder.layers.1.self_attn.v_proj.lora_B.weight";
            Parameter p = model.lora().parameters().get(key);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray d = model.lora().squaredDistance(prev, tmp);
                gc.backward(d);
            }
            try (NDArray g = p.getArray().getGradient()) {
                NDArray expected = p.getArray().sub(prev.get(key)).mul(2f);
                expected.attach(tmp);
                assertTrue(g.sub(expected).abs().max().getFloat() < 1e-5);
            }
            model.zeroGradients();
        }
    }

    @Test
    void adamWOnAdaptersLowersContrastiveLoss() {
        model.addAdapter(LoraConfig.attention(4, 8f).withDropout(0.0f), 7);
        Map<String, NDArray> baseBefore;
        try (NDManager keep = model.manager().newSubManager()) {
            NDArray q = model.baseParameters()
                    .get("text_model.encoder.layers.0.self_attn.q_proj.weight")
                    .getArray();
            NDArray qCopy = q.duplicate();
            qCopy.attach(keep);
            Optimizer adamW = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(1e-2f))
                    .optWeightDecays(0f)
                    .build();
            TokenBatch tokens = model.tokenize(TinyModels.CAPTIONS);
            List<Float> losses = new ArrayList<>();
            for (int step = 0; step < 8; step++) {
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray px = model.preprocessor().toBatch(m, pixels);
                    NDArray ids = tokens.idsArray(m);
                    NDArray mask = tokens.maskArray(m);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = ContrastiveLoss.symmetricInfoNce(model.forward(px, ids, mask, true));
                        gc.backward(loss);
                        losses.add(loss.getFloat());
                    }
                    for (Parameter p : model.trainableParameters().values()) {
                        try (NDArray g = p.getArray().getGradient()) {
                            adamW.update(p.getId(), p.getArray(), g);
                        }
                    }
                }
            }
            assertTrue(losses.get(losses.size() - 1) < losses.get(0) - 0.1, "loss should drop: " + losses);
            // after the first step created AdamW's state, steps leave nothing in the model's manager
            int arrays = model.manager().getManagedArrays().size();
            try (NDManager m = model.manager().newSubManager()) {
                NDArray px = model.preprocessor().toBatch(m, pixels);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(ContrastiveLoss.symmetricInfoNce(
                            model.forward(px, tokens.idsArray(m), tokens.maskArray(m), true)));
                }
                for (Parameter p : model.trainableParameters().values()) {
                    try (NDArray g = p.getArray().getGradient()) {
                        adamW.update(p.getId(), p.getArray(), g);
                    }
                }
            }
            model.encodeTexts(TinyModels.CAPTIONS);
            model.encodePixels(pixels);
            assertEquals(arrays, model.manager().getManagedArrays().size(), "no arrays leak into the model manager");
            assertEquals(0f, q.sub(qCopy).abs().max().getFloat(), "base stays frozen");
        }
    }
}
