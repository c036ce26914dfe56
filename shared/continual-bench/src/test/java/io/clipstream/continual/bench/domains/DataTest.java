package io.clipstream.continual.bench.domains;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.continual.data.PixelImage;
import io.clipstream.datasets.FashionMnist;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataTest {

    static PixelImage ramp(int w, int h) {
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) {
            p[i] = i / (float) (p.length - 1);
        }
        return PixelImage.grey(w, h, p);
    }

    @Test
    void invertIsAnInvolution() {
        PixelImage img = ramp(4, 3);
        PixelImage inv = Domain.D1_INVERTED.apply(img);
        assertThat(inv.at(0, 0)).isEqualTo(1f);
        assertThat(DomainTransforms.invert(inv).values())
                .containsExactly(img.values(), org.assertj.core.api.Assertions.within(1e-6f));
    }

    @Test
    void rotate90IsClockwiseAndFourTimesIsIdentity() {
        PixelImage img = ramp(3, 2); // rows: [0 .2 .4] [.6 .8 1]
        PixelImage r = DomainTransforms.rotate90(img);
        assertThat(r.width()).isEqualTo(2);
        assertThat(r.height()).isEqualTo(3);
        // clockwise: top row of result = left column of input read bottom-up
        assertThat(r.at(0, 0)).isEqualTo(img.at(0, 1));
        assertThat(r.at(1, 0)).isEqualTo(img.at(0, 0));
        assertThat(r.at(1, 2)).isEqualTo(img.at(2, 0));
        PixelImage back = DomainTransforms.rotate90(DomainTransforms.rotate90(DomainTransforms.rotate90(r)));
        assertThat(back).isEqualTo(img);
    }

    @Test
    void sketchMarksEdgesOfASquare() {
        float[] p = new float[10 * 10];
        for (int y = 3; y < 7; y++) {
            for (int x = 3; x < 7; x++) {
                p[y * 10 + x] = 1f;
            }
        }
        PixelImage s = Domain.D3_SKETCH.apply(PixelImage.grey(10, 10, p));
        assertThat(s.values()).containsOnly(0f, 1f);
        assertThat(s.at(0, 0)).isZero(); // flat background
        assertThat(s.at(5, 5)).isZero(); // flat interior
        assertThat(s.at(3, 5)).isEqualTo(1f); // border
        PixelImage blank = Domain.D3_SKETCH.apply(PixelImage.grey(4, 4, new float[16]));
        assertThat(blank.values()).containsOnly(0f);
    }

    @Test
    void captionsUseClassAndDomainWords() {
        Random rnd = new Random(1);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String c = Captions.random(rnd, "ankle boot", Domain.D3_SKETCH);
            assertThat(c).contains("ankle boot");
            seen.add(c);
        }
        assertThat(seen.size()).isGreaterThan(5);
        // zero-shot prompts do not give the domain away
        assertThat(Captions.prompts("bag", Domain.D1_INVERTED))
                .contains("a picture of a bag.")
                .isEqualTo(Captions.prompts("bag", Domain.D0_ORIGINAL))
                .noneMatch(p -> p.contains("negative"));
        // no augmentation makes a view of another domain: a mirrored rotated image is rotated the other way
        assertThat(Domain.augmentation("rotated").flipProbability()).isZero();
        assertThat(Domain.augmentation("original").flipProbability()).isPositive();
        assertThat(Captions.words("A t-shirt, plain.")).containsExactly("a", "t", "-", "shirt", ",", "plain", ".");
        Set<String> vocab = Captions.vocabulary(FashionMnist.CLASS_NAMES);
        assertThat(vocab).contains("ankle", "boot", "sketch", "negative", "sideways", ".", ",");
    }

    @Test
    void splitsAreDisjointPerDomainAndTransformed() {
        int n = 200;
        List<FashionMnist.Sample> ds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[FashionMnist.SIDE * FashionMnist.SIDE];
            p[0] = (byte) i; // unique key per source image
            ds.add(new FashionMnist.Sample(i, p, i % 10));
        }
        List<Domain> doms = List.of(Domain.D0_ORIGINAL, Domain.D1_INVERTED);
        DomainSplits s = DomainSplits.build(ds, ds, doms, 50, 10, 30, 7);
        assertThat(s.train().get(Domain.D0_ORIGINAL)).hasSize(50);
        assertThat(s.val().get(Domain.D1_INVERTED)).hasSize(10);
        assertThat(s.test().get(Domain.D1_INVERTED)).hasSize(30);
        assertThat(s.train().get(Domain.D1_INVERTED))
                .allMatch(x ->
                        x.domain().equals(Domain.D1_INVERTED.id()) && x.image().at(1, 0) == 1f);
        Set<Float> keys0 = new HashSet<>();
        s.train().get(Domain.D0_ORIGINAL).forEach(x -> keys0.add(x.image().at(0, 0)));
        s.val().get(Domain.D0_ORIGINAL).forEach(x -> keys0.add(x.image().at(0, 0)));
        assertThat(keys0).hasSize(60);
        assertThat(s.train().get(Domain.D0_ORIGINAL))
                .allMatch(x -> x.image().width() == 28
                        && FashionMnist.CLASS_NAMES.contains(x.label())
                        && x.caption().contains(x.label()));
        s.train()
                .get(Domain.D1_INVERTED)
                .forEach(x -> assertThat(keys0).doesNotContain(1f - x.image().at(0, 0)));
        assertThat(DomainSplits.build(ds, ds, doms, 50, 10, 30, 7).train().get(Domain.D0_ORIGINAL))
                .isEqualTo(s.train().get(Domain.D0_ORIGINAL)); // deterministic
    }
}
