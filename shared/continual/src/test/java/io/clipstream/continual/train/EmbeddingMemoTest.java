package io.clipstream.continual.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.data.SyntheticSamples;
import io.clipstream.continual.model.ClipModels;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A memo changes what is computed, never what is measured. */
class EmbeddingMemoTest {
    @TempDir
    static Path tmp;

    static Path init;

    @BeforeAll
    static void model() throws Exception {
        init = tmp.resolve("init");
        ClipModels.generate(init, SyntheticSamples.spec(11));
    }

    /** The real model, counting what it is asked to embed. */
    static final class Counting implements ImageTextEmbedder {
        final ClipModel model;
        int images;
        int texts;
        final Set<String> distinctTexts = new HashSet<>();

        Counting(ClipModel model) {
            this.model = model;
        }

        @Override
        public float[][] encodeTexts(List<String> t) {
            texts += t.size();
            distinctTexts.addAll(t);
            return model.encodeTexts(t);
        }

        @Override
        public float[][] encodePixels(List<float[]> chw) {
            images += chw.size();
            return model.encodePixels(chw);
        }

        @Override
        public ImagePreprocessor preprocessor() {
            return model.preprocessor();
        }

        @Override
        public int dimension() {
            return model.dimension();
        }
    }

    static Map<String, List<Sample>> anchors() {
        Map<String, List<Sample>> sets = new LinkedHashMap<>();
        for (String d : SyntheticSamples.DOMAINS) {
            sets.put(d, SyntheticSamples.of(d, 40, d.length()));
        }
        return sets;
    }

    static Evaluator evaluator() {
        return new Evaluator(Captioner.fixed(), SyntheticSamples.prompts(), false);
    }

    @Test
    void oneMeasureEmbedsEachDistinctTextOnce() throws Exception {
        try (ClipModel m = ClipModel.load(init)) {
            Counting c = new Counting(m);
            evaluator().measure(c, anchors(), Evaluator.ALL);
            // 3 domains x (40 captions + the class prompts), but captions repeat per class and prompts across domains
            assertThat(c.texts).isEqualTo(c.distinctTexts.size());
            assertThat(c.images).isEqualTo(3 * 40);
        }
    }

    @Test
    void embeddingAheadMeasuresTheSameAndEmbedsOnlyWhatIsMissing() throws Exception {
        Map<String, List<Sample>> sets = anchors();
        try (ClipModel m = ClipModel.load(init)) {
            Evaluator.Measured direct = evaluator().measure(m, sets, Evaluator.ALL);

            Counting c = new Counting(m);
            EmbeddingMemo memo = EmbeddingMemo.textsAndImagesById();
            Map<String, List<Sample>> firstHalf = new LinkedHashMap<>();
            sets.forEach((d, s) -> firstHalf.put(d, s.subList(0, 25)));
            evaluator().measure(c, firstHalf, Evaluator.ALL, memo);
            int textsAhead = c.texts;
            assertThat(c.images).isEqualTo(3 * 25);

            Evaluator.Measured completed = evaluator().measure(c, sets, Evaluator.ALL, memo);
            assertThat(c.images)
                    .as("only the 15 anchors per domain that arrived later")
                    .isEqualTo(3 * 40);
            assertThat(c.texts)
                    .as("the captions and prompts were all embedded ahead")
                    .isEqualTo(textsAhead);
            assertThat(memo.hasImage(sets.get("plain").get(39).id())).isTrue();

            assertThat(completed.metrics().keySet())
                    .containsExactlyElementsOf(direct.metrics().keySet());
            direct.metrics()
                    .forEach((d, metrics) -> metrics.forEach(
                            (k, v) -> assertThat(completed.metrics().get(d).get(k))
                                    .as(d + " " + k)
                                    .isCloseTo(v, org.assertj.core.data.Offset.offset(1e-9))));
            direct.zeroShotHits()
                    .forEach((d, hits) ->
                            assertThat(completed.zeroShotHits().get(d)).as(d).isEqualTo(hits));
        }
    }

    @Test
    void aTextsOnlyMemoEmbedsImagesEveryTime() throws Exception {
        Map<String, List<Sample>> sets = Map.of("plain", SyntheticSamples.of("plain", 20, 5));
        try (ClipModel m = ClipModel.load(init)) {
            Counting c = new Counting(m);
            EmbeddingMemo memo = EmbeddingMemo.texts();
            evaluator().measure(c, sets, Evaluator.ALL, memo);
            evaluator().measure(c, sets, Evaluator.ALL, memo);
            assertThat(c.images).isEqualTo(40);
            assertThat(memo.hasImage(sets.get("plain").get(0).id())).isFalse();
        }
    }
}
