package io.clipstream.refresh.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.ExpertEncoder;
import io.clipstream.clip.routing.RoutingFeatures;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.refresh.embed.EmbeddingCache;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.storage.ContentAddress;
import io.clipstream.synthetic.SyntheticDomains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What re-indexing costs when the 4th domain's version arrives: its experts are the 3rd version's three, unchanged,
 * and a new one, its router the 3rd's extended by a stage. On one corpus of {@code --per-domain} synthetic pairs per
 * domain (plain, dim, tinted and plain in negative), the new version embeds every pair as the refresh service's feeder
 * does
 * (batches of {@code --batch}): once with an empty embedding cache (a full re-embed, the baseline) and once with the
 * cache the 3rd version's index left behind (what the service does). The model stage alone: reading and decoding the
 * images, and the vector index, cost the same in both and are not timed. The tiny CLIP, or with {@code --large} a
 * ViT-B/32-shaped one of random weights; experts have random B.
 */
public final class ReindexBench {
    private static final List<String> DOMAINS = List.of("plain", "dim", "tinted", "inverted");

    private ReindexBench() {}

    public static void main(String[] args) throws Exception {
        int perDomain = 500;
        int batch = 32;
        boolean large = false;
        Path work = Files.createTempDirectory("reindex-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--per-domain" -> perDomain = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--large" -> large = true;
                case "--work" -> work = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: [--per-domain N] [--batch N] [--large] [--work DIR]");
            }
        }
        Path base = work.resolve("model");
        GenerateTinyClip.generate(base, large ? TinyClipSpec.vitB32Shaped() : TinyClipSpec.defaults());
        Map<String, Path> folders = new LinkedHashMap<>();
        List<float[]> chw = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<String> shas = new ArrayList<>();
        DomainRouter third;
        DomainRouter fourth;
        try (ClipModel m = ClipModel.load(base, Device.cpu())) {
            m.addAdapter(LoraConfig.attention(8, 16f), 1);
            List<Map<String, NDArray>> adapters = new ArrayList<>();
            Map<String, List<float[]>> byDomain = new LinkedHashMap<>();
            for (int d = 0; d < DOMAINS.size(); d++) {
                m.lora().randomiseB(100 + d, 0.3f);
                Path dir = work.resolve("expert-" + DOMAINS.get(d));
                m.saveAdapter(dir);
                folders.put(DOMAINS.get(d), dir);
                adapters.add(m.lora().copyWeights(m.manager()));
                List<float[]> images = new ArrayList<>();
                for (SyntheticDomains.Pair p : SyntheticDomains.pairs(DOMAINS.get(d), perDomain, 40 + d)) {
                    java.awt.image.BufferedImage image =
                            DOMAINS.get(d).equals("inverted") ? inverted(p.image()) : p.image();
                    float[] x = m.preprocessor().preprocess(image);
                    images.add(x);
                    chw.add(x);
                    captions.add(p.caption());
                    shas.add(ContentAddress.sha256Hex(SyntheticDomains.png(image)));
                }
                byDomain.put(DOMAINS.get(d), images);
            }
            // the routers see 100 images a domain, as a replay reservoir would hold
            Map<String, float[][]> three = new LinkedHashMap<>();
            Map<String, float[][]> four = new LinkedHashMap<>();
            for (String d : DOMAINS) {
                List<float[]> sample = byDomain.get(d).subList(0, Math.min(100, perDomain));
                if (three.size() < 3) {
                    three.put(d, RoutingFeatures.of(m, adapters.subList(0, 3), sample));
                }
                four.put(d, RoutingFeatures.of(m, adapters, sample));
            }
            third = DomainRouter.fit(three);
            fourth = third.extend(four, 1);
        }
        System.out.printf(
                Locale.ROOT,
                "# re-index after the 4th domain's version: %s model, %,d pairs (%d domains x %,d), batches of %d, %d "
                        + "cores%n",
                large ? "ViT-B/32-shaped" : "tiny",
                chw.size(),
                DOMAINS.size(),
                perDomain,
                batch,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| re-index of v4 | seconds | pairs/s | re-embedded | carried | image passes |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        try (EmbeddingCache cache = EmbeddingCache.open(work.resolve("cache"))) {
            try (VersionEncoder v3 = open(base, third, folders, batch)) {
                run(
                        v3, chw, captions, shas, batch,
                        cache); // the 3rd version's index, which left its vectors in the cache
            }
            try (VersionEncoder v4 = open(base, fourth, folders, batch)) {
                run(
                        v4,
                        chw.subList(0, Math.min(64, chw.size())),
                        captions,
                        shas,
                        batch,
                        EmbeddingCache.NONE); // warm-up
                Result full = run(v4, chw, captions, shas, batch, EmbeddingCache.NONE);
                row("full re-embed (baseline)", full, chw.size(), 4);
                Result incremental = run(v4, chw, captions, shas, batch, cache);
                row("with the embedding cache", incremental, chw.size(), 1);
                System.out.printf(Locale.ROOT, "speed-up: %.2fx%n", full.seconds / incremental.seconds);
            }
        }
    }

    /** The synthetic generator draws plain, dim and tinted images; the fourth domain is plain's in negative. */
    private static java.awt.image.BufferedImage inverted(java.awt.image.BufferedImage img) {
        java.awt.image.BufferedImage out =
                new java.awt.image.BufferedImage(img.getWidth(), img.getHeight(), img.getType());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(x, y, ~img.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return out;
    }

    private record Result(double seconds, int carried) {}

    private static Result run(
            VersionEncoder encoder,
            List<float[]> chw,
            List<String> captions,
            List<String> shas,
            int batch,
            EmbeddingCache cache)
            throws Exception {
        long t0 = System.nanoTime();
        int carried = 0;
        for (int i = 0; i < chw.size(); i += batch) {
            int to = Math.min(chw.size(), i + batch);
            for (VersionEncoder.Embedded e :
                    encoder.embedPairs(chw.subList(i, to), captions.subList(i, to), shas.subList(i, to), cache)) {
                if (e.carried()) {
                    carried++;
                }
            }
        }
        return new Result((System.nanoTime() - t0) / 1e9, carried);
    }

    private static void row(String what, Result r, int pairs, int passes) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %,.0f | %,d | %,d | %d per pair |%n",
                what,
                r.seconds,
                pairs / r.seconds,
                pairs - r.carried,
                r.carried,
                passes);
    }

    private static VersionEncoder open(Path base, DomainRouter router, Map<String, Path> folders, int batch)
            throws Exception {
        Map<String, Path> adapterOf = new LinkedHashMap<>();
        Map<String, String> spaceOf = new LinkedHashMap<>();
        for (String d : router.domains()) {
            adapterOf.put(d, folders.get(d));
            spaceOf.put(d, "expert:" + d);
        }
        return VersionEncoder.of(
                ExpertEncoder.open(
                        base,
                        router,
                        adapterOf,
                        Device.cpu(),
                        "v" + router.domains().size(),
                        batch),
                spaceOf);
    }
}
