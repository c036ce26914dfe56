package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.train.Evaluator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChampionBaselinesTest {
    private static Sample sample(String id, String domain) {
        return new Sample(id, PixelImage.grey(1, 1, new float[] {0f}), "a caption", domain, null);
    }

    private static final List<Sample> PLAIN = List.of(sample("a", "plain"), sample("b", "plain"));
    private static final List<Sample> DIM = List.of(sample("c", "dim"));
    private static final Evaluator.Measured MEASURED = new Evaluator.Measured(
            Map.of("plain", Map.of("zero_shot", 50.0), "dim", Map.of("zero_shot", 20.0)),
            Map.of("plain", new boolean[] {true, false}, "dim", new boolean[] {true}));

    @Test
    void aDomainIsReusedOnlyForTheSameChampionAndExactlyTheSameAnchors() {
        ChampionBaselines b = new ChampionBaselines();
        assertThat(b.reusable(0, Map.of("plain", PLAIN)).metrics())
                .as("nothing known yet")
                .isEmpty();
        b.remember(3, Map.of("plain", PLAIN, "dim", DIM), MEASURED);

        Evaluator.Measured same =
                b.reusable(3, Map.of("plain", PLAIN, "dim", List.of(sample("c", "dim"), sample("d", "dim"))));
        assertThat(same.metrics()).as("dim got an anchor since").containsOnlyKeys("plain");
        assertThat(same.metrics().get("plain")).containsEntry("zero_shot", 50.0);
        assertThat(same.zeroShotHits().get("plain")).containsExactly(true, false);
        assertThat(b.reusable(2, Map.of("plain", PLAIN)).metrics())
                .as("another champion (a rollback)")
                .isEmpty();

        b.remember(4, Map.of("dim", DIM), MEASURED);
        assertThat(b.reusable(4, Map.of("plain", PLAIN, "dim", DIM)).metrics())
                .as("version 3's values are forgotten")
                .containsOnlyKeys("dim");
    }
}
