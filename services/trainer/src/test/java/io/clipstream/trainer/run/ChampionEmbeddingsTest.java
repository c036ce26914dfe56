package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.continual.data.ClassPrompts;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.train.Evaluator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChampionEmbeddingsTest {
    private static final List<String> CLASSES = List.of("boot", "bag", "coat");
    private static final Evaluator EVALUATOR = Evaluator.forPairs(
            ClassPrompts.of(Map.of("plain", CLASSES, "dim", CLASSES), ClassPrompts.DEFAULT_TEMPLATES));

    @TempDir
    Path tmp;

    private static List<Sample> anchors(String domain, int n) {
        Random rnd = new Random(domain.hashCode());
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] px = new float[28 * 28];
            for (int k = 0; k < px.length; k++) {
                px[k] = rnd.nextFloat();
            }
            String c = CLASSES.get(i % CLASSES.size());
            out.add(new Sample(
                    domain + "-sha-" + i, PixelImage.grey(28, 28, px), "a photo of a " + c + ".", domain, c));
        }
        return out;
    }

    @Test
    void theBaselineFromAnchorsEmbeddedAheadIsTheOneTheRunWouldMeasure() throws Exception {
        Path base = tmp.resolve("base");
        ClipModels.generate(base, TinyClipSpec.defaults());
        Map<String, List<Sample>> sets = new LinkedHashMap<>();
        sets.put("plain", anchors("plain", 18));
        sets.put("dim", anchors("dim", 12));
        Evaluator.Measured direct;
        try (ClipModel m = ClipModel.load(base)) {
            direct = EVALUATOR.measure(m, sets, Evaluator.ALL);
        }

        try (ChampionEmbeddings ahead = new ChampionEmbeddings()) {
            Evaluator.Measured none = new Evaluator.Measured(Map.of(), Map.of());
            assertThat(ahead.complete(0, sets, none, EVALUATOR))
                    .as("nothing held yet")
                    .isSameAs(none);
            ahead.hold(0, base, null, Device.cpu());
            Map<String, List<Sample>> arrived = new LinkedHashMap<>();
            sets.forEach((d, s) -> arrived.put(d, s.subList(0, 10)));
            ahead.embed(arrived, EVALUATOR);
            assertThat(ahead.has(0, "plain-sha-9")).isTrue();
            assertThat(ahead.has(0, "plain-sha-10")).as("arrived after").isFalse();
            assertThat(ahead.has(1, "plain-sha-9")).as("another champion").isFalse();
            assertThat(ahead.complete(1, sets, none, EVALUATOR))
                    .as("another champion's baseline is not this one")
                    .isSameAs(none);

            Evaluator.Measured known =
                    new Evaluator.Measured(Map.of("dim", Map.of(Evaluator.ZERO_SHOT, 0.123)), Map.of());
            Evaluator.Measured completed = ahead.complete(0, sets, known, EVALUATOR);
            assertThat(completed.metrics().get("dim"))
                    .as("what was known is kept")
                    .containsEntry(Evaluator.ZERO_SHOT, 0.123);
            direct.metrics()
                    .get("plain")
                    .forEach((k, v) -> assertThat(
                                    completed.metrics().get("plain").get(k))
                            .as(k)
                            .isCloseTo(v, offset(1e-9)));
            assertThat(completed.zeroShotHits().get("plain"))
                    .isEqualTo(direct.zeroShotHits().get("plain"));
            assertThat(ahead.has(0, "plain-sha-17"))
                    .as("the rest embedded for the run")
                    .isTrue();
            ahead.close();
            assertThat(ahead.holds(0)).isFalse();
        }
    }
}
