package io.clipstream.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.clip.tools.TinyTokenizerJson;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipModelTest {

    static ClipModel model;

    @BeforeAll
    static void load() throws Exception {
        model = ClipModel.load(TinyModels.dir(), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void generatedCheckpointLoadsThroughTheRealPath() {
        ClipConfig c = model.config();
        assertEquals(32, c.vision().imageSize());
        assertEquals(64, c.projectionDim());
        assertEquals(16, model.contextLength());
        // 2 towers x 2 layers x 16 tensors + text (2 emb + final LN) + vision (3 emb + pre/post LN) + 2 proj +
        // logit_scale
        assertEquals(
                2 * 2 * 16 + (2 + 2) + (3 + 2 + 2) + 2 + 1,
                model.baseParameters().size());
        assertTrue(model.baseParameters().containsKey("vision_model.pre_layrnorm.weight"));
        assertTrue(model.baseParameters().containsKey("text_model.encoder.layers.1.self_attn.q_proj.bias"));
        assertEquals(
                2.6592f, model.baseParameters().get("logit_scale").getArray().getFloat(), 1e-6);
        assertTrue(model.trainableParameters().isEmpty(), "base loads frozen");
    }

    @Test
    void tokenizerAddsBosEosAndPads() {
        String[] tokens = model.tokenizer().tokens("A photo of a T-shirt/top.");
        assertArrayEquals(
                new String[] {
                    TinyTokenizerJson.BOS,
                    "a",
                    "photo",
                    "of",
                    "a",
                    "t",
                    "-",
                    "shirt",
                    "/",
                    "top",
                    ".",
                    TinyTokenizerJson.EOS
                },
                tokens);
        TokenBatch b = model.tokenize(List.of("a coat", "a photo of a photo of a photo of a photo of a coat"));
        long eos = model.config().text().eosTokenId();
        assertEquals(16, b.length());
        assertEquals(eos, b.ids()[0][3]);
        assertEquals(eos, b.ids()[0][15], "padded with EOS");
        assertEquals(0L, b.attentionMask()[0][4]);
        assertEquals(eos, b.ids()[1][15], "truncation keeps EOS last");
        assertEquals(1L, b.attentionMask()[1][15]);
    }

    @Test
    void embeddingsAreUnitNormAndDeterministic() throws Exception {
        float[][] t1 = model.encodeTexts(TinyModels.CAPTIONS);
        float[][] t2 = model.encodeTexts(TinyModels.CAPTIONS);
        float[][] i1 = model.encodeImages(TinyModels.images(5, 28, 1));
        float[][] i2 = model.encodeImages(TinyModels.images(5, 28, 1));
        assertEquals(0.0, TinyModels.maxAbsDiff(t1, t2));
        assertEquals(0.0, TinyModels.maxAbsDiff(i1, i2));
        for (float[][] e : List.of(t1, i1)) {
            for (float[] row : e) {
                double n = 0;
                for (float v : row) {
                    n += v * v;
                }
                assertEquals(1.0, Math.sqrt(n), 1e-5);
            }
        }
        // a second, independent instance of the same directory agrees
        try (ClipModel other = ClipModel.load(TinyModels.dir(), Device.cpu())) {
            assertEquals(0.0, TinyModels.maxAbsDiff(t1, other.encodeTexts(TinyModels.CAPTIONS)));
        }
    }

    @Test
    void batchingAndMaskDoNotChangeEmbeddings() {
        int old = model.batchSize();
        try {
            float[][] full = model.encodeTexts(TinyModels.CAPTIONS);
            model.setBatchSize(3);
            float[][] small = model.encodeTexts(TinyModels.CAPTIONS);
            assertTrue(TinyModels.maxAbsDiff(full, small) < 1e-5);
            List<float[]> px = TinyModels.pixels(5, 32, 3);
            float[][] a = model.encodePixels(px);
            model.setBatchSize(1);
            assertTrue(TinyModels.maxAbsDiff(a, model.encodePixels(px)) < 1e-5);
        } finally {
            model.setBatchSize(old);
        }
        // the causal mask already hides padding from the EOS position
        try (NDManager m = model.manager().newSubManager()) {
            TokenBatch b = model.tokenize(TinyModels.CAPTIONS);
            NDArray withMask = model.embedTexts(b.idsArray(m), b.maskArray(m));
            NDArray without = model.embedTexts(b.idsArray(m), null);
            assertTrue(withMask.sub(without).abs().max().getFloat() < 1e-5);
        }
    }

    @Test
    void generatorTakesGeometryAndVocabulary(@TempDir Path tmp) throws Exception {
        io.clipstream.clip.tools.GenerateTinyClip.generate(
                tmp,
                io.clipstream.clip.tools.TinyClipSpec.defaults()
                        .withImage(28, 7)
                        .withWords(List.of("A zebra-striped Parka, folded.")));
        try (ClipModel m = ClipModel.load(tmp, Device.cpu())) {
            assertEquals(16, m.config().vision().numPatches());
            String[] tokens = m.tokenizer().tokens("zebra-striped parka folded");
            assertEquals(
                    List.of(TinyTokenizerJson.BOS, "zebra", "-", "striped", "parka", "folded", TinyTokenizerJson.EOS),
                    List.of(tokens));
            byte[] grey = new byte[28 * 28];
            float[][] e = m.encodePixels(List.of(m.preprocessor().preprocessGrey(grey, 28, 28)));
            assertEquals(64, e[0].length);
        }
    }

    @Test
    void savesInHfLayoutAndReloads(@TempDir Path tmp) throws Exception {
        model.save(tmp);
        try (ClipModel back = ClipModel.load(tmp, Device.cpu())) {
            assertEquals(
                    0.0,
                    TinyModels.maxAbsDiff(
                            model.encodeTexts(TinyModels.CAPTIONS), back.encodeTexts(TinyModels.CAPTIONS)));
            List<float[]> px = TinyModels.pixels(3, 32, 9);
            assertEquals(0.0, TinyModels.maxAbsDiff(model.encodePixels(px), back.encodePixels(px)));
        }
    }
}
