package io.clipstream.refresh.it;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.RoutingFeatures;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairCurated;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.synthetic.SyntheticDomains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the refresh tests put in place: curated pairs (image in storage, record on the topic) and model versions. */
final class Corpus {
    private Corpus() {}

    /** One pair per class and place of the synthetic "plain" domain: 40 pairs whose captions are all distinct. */
    static List<PairCurated> distinctPairs(ObjectStore store, String domain, long seed) {
        List<PairCurated> out = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(seed);
        int i = 0;
        for (String c : SyntheticDomains.CLASSES) {
            for (String place : SyntheticDomains.PLACES) {
                // draw pairs until one of this class and place comes up: images keep the domain's look
                SyntheticDomains.Pair p;
                do {
                    p = SyntheticDomains.pairs(domain, 1, rnd.nextLong()).get(0);
                } while (!p.caption().equals(SyntheticDomains.caption(c, place)));
                out.add(put(store, domain, domain + "-" + seed + "-" + i++, p));
            }
        }
        return out;
    }

    static PairCurated put(ObjectStore store, String domain, String pairId, SyntheticDomains.Pair p) {
        byte[] png = SyntheticDomains.png(p.image());
        String sha = ContentAddress.sha256Hex(png);
        String key = ContentAddress.imageKey(sha, "png");
        store.put(key, png, "image/png");
        PNGS.put(key, png);
        Instant now = Instant.now();
        return new PairCurated(
                PairCurated.SCHEMA_VERSION,
                pairId,
                "it",
                domain,
                sha,
                key,
                ContentAddress.textKey("it", sha),
                "png",
                "0000000000000000",
                28,
                28,
                p.caption(),
                Map.of(),
                now,
                now);
    }

    static void send(KafkaProducer<String, byte[]> producer, String topic, List<PairCurated> pairs) {
        for (PairCurated c : pairs) {
            producer.send(new ProducerRecord<>(topic, c.catalogueKey(), Json.write(c)));
        }
        producer.flush();
    }

    static void announce(KafkaProducer<String, byte[]> producer, String topic, ModelVersion v) {
        producer.send(new ProducerRecord<>(topic, v.model(), Json.write(v)));
        producer.flush();
    }

    /** Publishes a version whose adapter has random B (so it embeds differently) and returns its announcement. */
    static ModelVersion publishRandomVersion(Registry registry, Path base, String bucket, long seed, Integer parent)
            throws Exception {
        Path staged = Files.createTempDirectory("refresh-it-version");
        try (ClipModel m = ClipModel.load(base, Device.cpu())) {
            m.addAdapter(LoraConfig.attention(4, 8f), seed);
            m.lora().randomiseB(seed, 0.3f);
            m.saveAdapter(staged);
        }
        String model = registry.layout().model();
        VersionRecord draft = new VersionRecord(
                model,
                0,
                parent,
                registry.layout().base(),
                Registry.pinOf(base),
                null,
                new ModelVersion.DataWindow("pairs.curated", Map.of(), Map.of()),
                Map.of(),
                Map.of(),
                new ModelVersion.Gate(true, "candidate", List.of(), List.of()),
                "random-b",
                "it-run-" + seed,
                "cpu",
                Instant.now());
        VersionRecord published = registry.publish(staged, draft);
        return published.announcement(ModelVersion.Announcement.PROMOTED, published.version(), bucket, Instant.now());
    }

    /**
     * Publishes a version of per-domain experts: one adapter with random B per domain of {@code images} (PEFT folders
     * under {@code experts/}), a router fitted on those images' routing features, and routing.json; returns its
     * announcement.
     */
    static ModelVersion publishExpertsVersion(
            Registry registry,
            Path base,
            String bucket,
            Map<String, List<PairCurated>> images,
            long seed,
            Integer parent)
            throws Exception {
        return publishExpertsVersion(registry, base, bucket, images, seed, parent, images.size());
    }

    /**
     * The same, with a router fitted on the first {@code routerFittedOn} domains and then extended by a stage for the
     * others, as the trainer extends a promoted router: the same seed and the same first domains give a version that
     * shares those experts, byte for byte, and their stages with the version published without the later domains.
     */
    static ModelVersion publishExpertsVersion(
            Registry registry,
            Path base,
            String bucket,
            Map<String, List<PairCurated>> images,
            long seed,
            Integer parent,
            int routerFittedOn)
            throws Exception {
        Path staged = Files.createTempDirectory("refresh-it-experts");
        Map<String, String> expertOf = new java.util.LinkedHashMap<>();
        Map<String, ExpertSet.Expert> experts = new java.util.LinkedHashMap<>();
        try (ClipModel m = ClipModel.load(base, Device.cpu())) {
            m.addAdapter(LoraConfig.attention(4, 8f), seed);
            List<Map<String, ai.djl.ndarray.NDArray>> adapters = new ArrayList<>();
            long s = seed;
            for (String d : images.keySet()) {
                m.lora().randomiseB(s++, 0.3f);
                Path folder = staged.resolve(ExpertSet.folder(d));
                m.saveAdapter(folder);
                adapters.add(m.lora().copyWeights(m.manager()));
                expertOf.put(d, d);
                experts.put(
                        d,
                        new ExpertSet.Expert(
                                List.of(d),
                                ContentAddress.sha256Hex(Files.readAllBytes(folder.resolve(Registry.ADAPTER_WEIGHTS))),
                                null,
                                "it-run-" + seed,
                                images.get(d).size()));
            }
            Map<String, float[][]> first = new java.util.LinkedHashMap<>();
            Map<String, float[][]> examples = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<PairCurated>> e : images.entrySet()) {
                List<float[]> chw = new ArrayList<>();
                for (PairCurated p : e.getValue()) {
                    chw.add(m.preprocessor()
                            .preprocess(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(pngOf(p)))));
                }
                if (first.size() < routerFittedOn) {
                    first.put(e.getKey(), RoutingFeatures.of(m, adapters.subList(0, routerFittedOn), chw));
                }
                examples.put(e.getKey(), RoutingFeatures.of(m, adapters, chw));
            }
            DomainRouter router = DomainRouter.fit(first);
            if (routerFittedOn < images.size()) {
                router = router.extend(examples, 1);
            }
            ExpertSet.of(images.keySet().iterator().next(), router.describe(), expertOf, experts)
                    .write(staged);
        }
        String model = registry.layout().model();
        VersionRecord draft = new VersionRecord(
                model,
                0,
                parent,
                registry.layout().base(),
                Registry.pinOf(base),
                null,
                new ModelVersion.DataWindow("pairs.curated", Map.of(), Map.of()),
                Map.of(),
                Map.of(),
                new ModelVersion.Gate(true, "experts", List.of(), List.of()),
                "routed",
                "it-run-" + seed,
                "cpu",
                Instant.now());
        VersionRecord published = registry.publish(staged, draft);
        return published.announcement(ModelVersion.Announcement.PROMOTED, published.version(), bucket, Instant.now());
    }

    /**
     * The PNG the pair's image was put as (drawn again from its pair id's seed is not possible: kept by {@link #put}).
     */
    private static byte[] pngOf(PairCurated p) {
        return PNGS.get(p.imageKey());
    }

    private static final Map<String, byte[]> PNGS = new java.util.concurrent.ConcurrentHashMap<>();
}
