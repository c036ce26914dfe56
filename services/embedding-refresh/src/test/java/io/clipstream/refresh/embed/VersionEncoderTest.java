package io.clipstream.refresh.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.ExpertEncoder;
import io.clipstream.clip.routing.RoutingFeatures;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.storage.ContentAddress;
import io.clipstream.synthetic.SyntheticDomains;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version of experts embeds through the embedding cache exactly as without it: a version that keeps two experts
 * and adds a third carries the vectors of every pair whose expert did not change, and computes the others.
 */
class VersionEncoderTest {
    private static final List<String> DOMAINS = List.of("plain", "dim", "tinted");

    @TempDir
    static Path tmp;

    private static Path model;
    private static final Map<String, Path> folders = new LinkedHashMap<>();
    private static DomainRouter twoExperts;
    private static DomainRouter threeExperts;
    private static final List<float[]> chw = new ArrayList<>();
    private static final List<String> captions = new ArrayList<>();
    private static final List<java.awt.image.BufferedImage> originals = new ArrayList<>();
    private static final List<String> shas = new ArrayList<>();

    @BeforeAll
    static void experts() throws Exception {
        model = tmp.resolve("tiny");
        GenerateTinyClip.generate(model, TinyClipSpec.defaults());
        Map<String, List<float[]>> byDomain = new LinkedHashMap<>();
        try (ClipModel m = ClipModel.load(model, Device.cpu())) {
            m.addAdapter(LoraConfig.attention(4, 8f), 7);
            List<Map<String, NDArray>> adapters = new ArrayList<>();
            for (int d = 0; d < DOMAINS.size(); d++) {
                m.lora().randomiseB(100 + d, 0.3f);
                Path folder = tmp.resolve(DOMAINS.get(d));
                m.saveAdapter(folder);
                folders.put(DOMAINS.get(d), folder);
                adapters.add(m.lora().copyWeights(m.manager()));
                List<float[]> images = new ArrayList<>();
                for (SyntheticDomains.Pair p : SyntheticDomains.pairs(DOMAINS.get(d), 16, 40 + d)) {
                    float[] x = m.preprocessor().preprocess(p.image());
                    images.add(x);
                    chw.add(x);
                    originals.add(p.image());
                    captions.add(p.caption());
                    shas.add(ContentAddress.sha256Hex(SyntheticDomains.png(p.image())));
                }
                byDomain.put(DOMAINS.get(d), images);
            }
            Map<String, float[][]> two = new LinkedHashMap<>();
            Map<String, float[][]> three = new LinkedHashMap<>();
            for (String d : DOMAINS) {
                if (two.size() < 2) {
                    two.put(d, RoutingFeatures.of(m, adapters.subList(0, 2), byDomain.get(d)));
                }
                three.put(d, RoutingFeatures.of(m, adapters, byDomain.get(d)));
            }
            twoExperts = DomainRouter.fit(two);
            threeExperts = twoExperts.extend(three, 1);
        }
    }

    private static VersionEncoder open(DomainRouter router) throws Exception {
        Map<String, Path> adapterOf = new LinkedHashMap<>();
        Map<String, String> spaceOf = new LinkedHashMap<>();
        for (String d : router.domains()) {
            adapterOf.put(d, folders.get(d));
            spaceOf.put(d, "expert:" + d);
        }
        return VersionEncoder.of(
                ExpertEncoder.open(
                        model,
                        router,
                        adapterOf,
                        Device.cpu(),
                        "v" + router.domains().size(),
                        8),
                spaceOf);
    }

    @Test
    void aVersionThatAddsAnExpertCarriesEveryPairWhoseExpertDidNotChange() throws Exception {
        List<VersionEncoder.Embedded> before;
        List<VersionEncoder.Embedded> cached;
        List<VersionEncoder.Embedded> fresh;
        try (EmbeddingCache cache = EmbeddingCache.open(tmp.resolve("cache"))) {
            try (VersionEncoder v4 = open(twoExperts)) {
                before = v4.embedPairs(chw, captions, shas, cache);
                assertThat(before).noneMatch(VersionEncoder.Embedded::carried);
                List<VersionEncoder.Embedded> again = v4.embedPairs(chw, captions, shas, cache);
                assertThat(again).allMatch(VersionEncoder.Embedded::carried);
                for (int i = 0; i < again.size(); i++) {
                    assertThat(again.get(i).image())
                            .containsExactly(before.get(i).image());
                    assertThat(again.get(i).text())
                            .containsExactly(before.get(i).text());
                }
            }
            try (VersionEncoder v5 = open(threeExperts)) {
                cached = v5.embedPairs(chw, captions, shas, cache);
                fresh = v5.embedPairs(chw, captions, shas, EmbeddingCache.NONE);
            }
        }
        int carried = 0;
        for (int i = 0; i < chw.size(); i++) {
            VersionEncoder.Embedded c = cached.get(i);
            VersionEncoder.Embedded f = fresh.get(i);
            assertThat(c.expert()).as("pair %d is routed as without a cache", i).isEqualTo(f.expert());
            assertThat(c.image()).containsExactly(f.image(), org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(c.text()).containsExactly(f.text(), org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(c.carried())
                    .as(
                            "pair %d (%s -> %s) is carried only when its expert stayed",
                            i, before.get(i).expert(), c.expert())
                    .isEqualTo(c.expert().equals(before.get(i).expert()));
            if (c.carried()) {
                carried++;
            }
        }
        long tinted = cached.stream().filter(e -> e.expert().equals("tinted")).count();
        // an image query is answered in the space of the expert the router picks, the one its own pair was indexed by
        try (VersionEncoder v5 = open(threeExperts)) {
            for (int i = 0; i < chw.size(); i += 7) {
                String indexedBy = fresh.get(i).expert();
                assertThat(v5.queryImage(originals.get(i)))
                        .singleElement()
                        .satisfies(v -> assertThat(v.expert()).isEqualTo(indexedBy));
            }
        }
        assertThat(tinted).as("the new expert takes the new domain's images").isGreaterThanOrEqualTo(14);
        assertThat(carried).as("the pairs of the two experts kept are carried").isGreaterThanOrEqualTo(28);
    }
}
