package io.clipstream.clip.routing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving several experts on one base: a query embedded by every expert in one batched pass (row k through expert k)
 * gets what one pass per expert gets, and routing features computed with some embeddings already known are the ones
 * computed from scratch.
 */
class ExpertEncoderTest {
    @TempDir
    static Path tmp;

    private static Path base;
    private static final Map<String, Path> adapterOf = new LinkedHashMap<>();
    private static DomainRouter router;

    @BeforeAll
    static void experts() throws Exception {
        base = tmp.resolve("tiny");
        GenerateTinyClip.generate(base, TinyClipSpec.defaults());
        int features;
        try (ClipModel m = ClipModel.load(base, Device.cpu())) {
            m.addAdapter(LoraConfig.attention(4, 8f), 3);
            adapterOf.put("base-served", null);
            for (String d : List.of("a", "b", "c")) {
                m.lora().randomiseB(d.charAt(0), 0.3f);
                m.saveAdapter(tmp.resolve(d));
                adapterOf.put(d, tmp.resolve(d));
            }
            features = RoutingFeatures.length(m, adapterOf.size());
        }
        Map<String, float[][]> examples = new LinkedHashMap<>();
        Random rnd = new Random(1);
        int e = 0;
        for (String d : adapterOf.keySet()) {
            float[][] rows = new float[20][features];
            for (float[] row : rows) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (rnd.nextGaussian() + 3 * e);
                }
            }
            examples.put(d, rows);
            e++;
        }
        router = DomainRouter.fit(examples);
    }

    @Test
    void oneBatchedPassEmbedsAQueryAsOnePassPerExpert() throws Exception {
        try (ExpertEncoder encoder = ExpertEncoder.open(base, router, adapterOf, Device.cpu(), "v1", 8)) {
            String q = "a picture of a sneaker, left.";
            Map<String, float[][]> batched = encoder.encodeTexts(List.of(q), encoder.domains());
            // two texts take the pass-per-expert way
            Map<String, float[][]> perExpert = encoder.encodeTexts(List.of(q, q), encoder.domains());
            assertThat(batched.keySet()).containsExactlyElementsOf(encoder.domains());
            for (String d : encoder.domains()) {
                assertThat(batched.get(d)[0])
                        .as("expert %s", d)
                        .containsExactly(perExpert.get(d)[0], Offset.offset(1e-5f));
            }
            assertThat(batched.get("a")[0]).as("the experts differ").isNotEqualTo(batched.get("b")[0]);
            // after a batched pass every expert serves alone as before
            assertThat(encoder.encodeTexts(List.of(q), List.of("c")).get("c")[0])
                    .containsExactly(perExpert.get("c")[0], Offset.offset(1e-5f));
            // a query of some experts is embedded by those alone, as each embeds it
            Map<String, float[][]> some = encoder.encodeTexts(List.of(q), List.of("a", "c"));
            assertThat(some.keySet()).containsExactly("a", "c");
            for (String d : List.of("a", "c")) {
                assertThat(some.get(d)[0])
                        .as("expert %s", d)
                        .containsExactly(perExpert.get(d)[0], Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void knownEmbeddingsAreUsedAndTheRestComputed() throws Exception {
        try (ExpertEncoder encoder = ExpertEncoder.open(base, router, adapterOf, Device.cpu(), "v1", 8)) {
            List<float[]> chw = noise(encoder, 6, 5);
            List<ExpertEncoder.Routed> fresh = encoder.encodePixels(chw);
            List<Map<String, float[]>> known = new ArrayList<>();
            for (int i = 0; i < chw.size(); i++) {
                Map<String, float[]> k = new LinkedHashMap<>();
                // image i knows the experts of the first i % 4 domains
                List<String> domains = encoder.domains();
                for (int d = 0; d < i % 4; d++) {
                    k.put(domains.get(d), fresh.get(i).byExpert().get(domains.get(d)));
                }
                known.add(k);
            }
            List<ExpertEncoder.Routed> partly = encoder.encodePixels(chw, known);
            for (int i = 0; i < chw.size(); i++) {
                assertThat(partly.get(i).domain()).isEqualTo(fresh.get(i).domain());
                for (String d : encoder.domains()) {
                    assertThat(partly.get(i).byExpert().get(d))
                            .containsExactly(fresh.get(i).byExpert().get(d), Offset.offset(1e-5f));
                }
            }
        }
    }

    /** fp16 serving: every expert, the batched query pass and the routing give what fp32 gives, to fp16's precision. */
    @Test
    void halfPrecisionServingEmbedsAsFullPrecision() throws Exception {
        try (ExpertEncoder full = ExpertEncoder.open(base, router, adapterOf, Device.cpu(), "v1", 8);
                ExpertEncoder half =
                        ExpertEncoder.open(base, router, adapterOf, Device.cpu(), "v1", 8, Precision.FP16_MIXED)) {
            String q = "a picture of a sneaker, left.";
            for (List<String> texts :
                    List.of(List.of(q, "a sketch of a boot."), List.of(q))) { // per expert, and batched
                Map<String, float[][]> f = full.encodeTexts(texts, full.domains());
                Map<String, float[][]> h = half.encodeTexts(texts, half.domains());
                for (String d : full.domains()) {
                    for (int i = 0; i < texts.size(); i++) {
                        assertThat(cosine(f.get(d)[i], h.get(d)[i]))
                                .as("text %d, expert %s", i, d)
                                .isGreaterThan(0.999);
                    }
                }
            }
            List<float[]> chw = noise(full, 6, 9);
            List<ExpertEncoder.Routed> f = full.encodePixels(chw);
            List<ExpertEncoder.Routed> h = half.encodePixels(chw);
            for (int i = 0; i < chw.size(); i++) {
                for (String d : full.domains()) {
                    assertThat(cosine(
                                    f.get(i).byExpert().get(d),
                                    h.get(i).byExpert().get(d)))
                            .as("image %d, expert %s", i, d)
                            .isGreaterThan(0.999);
                }
            }
        }
    }

    /** {@code n} preprocessed images of Gaussian noise. */
    private static List<float[]> noise(ExpertEncoder encoder, int n, long seed) {
        Random rnd = new Random(seed);
        int size = encoder.preprocessor().size();
        List<float[]> chw = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[3 * size * size];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) rnd.nextGaussian();
            }
            chw.add(x);
        }
        return chw;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
