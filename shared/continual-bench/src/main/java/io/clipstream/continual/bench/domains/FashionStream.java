package io.clipstream.continual.bench.domains;

import io.clipstream.clip.ClipModel;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.datasets.GreyImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmark's domains as a producer would send them to the gateway: Fashion-MNIST images turned into one domain
 * (original, inverted, rotated, sketch) as PNGs with a training caption each, and the base model the loop starts
 * from (a tiny CLIP trained fully on original images). A domain whose captions are shuffled across its images is
 * the deliberately harmful one that the gate must reject.
 */
public final class FashionStream {
    /** Suffix of a domain id whose captions are shuffled across its images, e.g. {@code original-mislabelled}. */
    public static final String MISLABELLED = "-mislabelled";

    /** One pair to push: {@code className} is what its caption names (before any shuffling), for reports. */
    public record Pair(String id, String domain, String caption, byte[] png, String className) {}

    private FashionStream() {}

    /**
     * The samples turned into domain {@code domainId} (a {@link Domain} id, optionally with {@link #MISLABELLED}), each
     * captioned by a training template drawn with a seed derived from its index, so that the same call gives the same
     * pairs.
     */
    public static List<Pair> pairs(List<FashionMnist.Sample> samples, String domainId) {
        boolean shuffled = domainId.endsWith(MISLABELLED);
        Domain domain =
                Domain.byId(shuffled ? domainId.substring(0, domainId.length() - MISLABELLED.length()) : domainId);
        List<Pair> out = new ArrayList<>(samples.size());
        for (FashionMnist.Sample s : samples) {
            String className = FashionMnist.CLASS_NAMES.get(s.label());
            PixelImage img = domain.apply(PixelImage.ofGreyBytes(FashionMnist.SIDE, FashionMnist.SIDE, s.pixels(), 0));
            out.add(new Pair(
                    domainId + "-" + s.index(),
                    domainId,
                    Captions.random(new Random(s.index() * 31L + domain.ordinal()), className, domain),
                    png(img),
                    className));
        }
        if (shuffled) {
            List<String> captions =
                    new ArrayList<>(out.stream().map(Pair::caption).toList());
            Collections.shuffle(captions, new Random(samples.size()));
            for (int i = 0; i < out.size(); i++) {
                Pair p = out.get(i);
                out.set(i, new Pair(p.id(), p.domain(), captions.get(i), p.png(), p.className()));
            }
        }
        return out;
    }

    /**
     * Generates a tiny CLIP (the benchmark's shape, its vocabulary = every word a caption or prompt can contain) in
     * {@code init} and trains it fully on {@code originals} for {@code epochs}, saving it to {@code base}; returns its
     * zero-shot accuracy on {@code validation} (original images it did not train on).
     */
    public static double trainBase(
            Path init,
            Path base,
            List<FashionMnist.Sample> originals,
            List<FashionMnist.Sample> validation,
            int epochs,
            long seed)
            throws IOException {
        List<String> classes = FashionMnist.CLASS_NAMES;
        ClipModels.generate(
                init,
                new io.clipstream.clip.tools.TinyClipSpec(
                        28,
                        7,
                        3,
                        64,
                        2,
                        4,
                        256,
                        64,
                        16,
                        "quick_gelu",
                        seed,
                        new ArrayList<>(Captions.vocabulary(classes))));
        Evaluator evaluator = new Evaluator(Captions.captioner(), Captions.classPrompts(classes), true);
        String d0 = Domain.D0_ORIGINAL.id();
        try (ClipModel m = ClipModel.load(init)) {
            ClipModels.fullTraining(m);
            new IncrementTrainer(Captions.captioner(), evaluator, true)
                    .train(
                            m,
                            Map.of(d0, samples(originals)),
                            null,
                            Map.of(d0, samples(validation)),
                            null,
                            TrainConfig.defaults()
                                    .withEpochs(epochs)
                                    .withBatchSize(64)
                                    .withLr(1e-3f)
                                    .withSeed(seed)
                                    .withPatience(0),
                            List.of(d0));
            m.save(base);
            return evaluator.zeroShotAccuracy(m, d0, samples(validation));
        }
    }

    private static List<Sample> samples(List<FashionMnist.Sample> src) {
        List<Sample> out = new ArrayList<>(src.size());
        for (FashionMnist.Sample s : src) {
            String className = FashionMnist.CLASS_NAMES.get(s.label());
            out.add(new Sample(
                    "original-" + s.index(),
                    PixelImage.ofGreyBytes(FashionMnist.SIDE, FashionMnist.SIDE, s.pixels(), 0),
                    Captions.prompts(className, Domain.D0_ORIGINAL).get(0),
                    Domain.D0_ORIGINAL.id(),
                    className));
        }
        return out;
    }

    private static byte[] png(PixelImage img) {
        float[] v = img.values();
        byte[] grey = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            grey[i] = (byte) Math.round(255 * Math.max(0f, Math.min(1f, v[i])));
        }
        return GreyImages.toPng(grey, img.width(), img.height());
    }
}
