package io.clipstream.continual.train;

import io.clipstream.clip.ClipModel;
import io.clipstream.continual.data.Captions;
import io.clipstream.continual.data.Domain;
import io.clipstream.continual.data.GreyImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.metrics.Retrieval;
import io.clipstream.continual.metrics.ZeroShot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Per-domain evaluation: zero-shot accuracy from class prompts, and class-aware R@1/R@5 in both directions. */
public final class Evaluator {
    private final List<String> classNames;

    public record DomainMetrics(double zeroShotAccuracy, double i2tR1, double i2tR5, double t2iR1, double t2iR5) {}

    /** Batch size of inference comes from the model ({@link ClipModel#setBatchSize}). */
    public Evaluator(List<String> classNames) {
        this.classNames = classNames;
    }

    public float[][] embedImages(ClipModel model, List<GreyImage> images) {
        return model.encodePixels(PixelBatch.toChw(model.preprocessor(), images));
    }

    public float[][] embedTexts(ClipModel model, List<String> texts) {
        return model.encodeTexts(texts);
    }

    public float[][] classEmbeddings(ClipModel model, Domain domain) {
        List<String> prompts = new ArrayList<>();
        for (String c : classNames) prompts.addAll(Captions.prompts(c, domain));
        float[][] flat = embedTexts(model, prompts);
        int t = Captions.EVAL_TEMPLATES.size();
        float[][][] grouped = new float[classNames.size()][t][];
        for (int c = 0; c < classNames.size(); c++) {
            for (int k = 0; k < t; k++) grouped[c][k] = flat[c * t + k];
        }
        return ZeroShot.classEmbeddings(grouped);
    }

    public double zeroShotAccuracy(ClipModel model, Domain domain, List<Sample> samples) {
        float[][] img = embedImages(model, samples.stream().map(Sample::image).toList());
        int[] labels = samples.stream().mapToInt(Sample::label).toArray();
        return ZeroShot.accuracy(img, classEmbeddings(model, domain), labels);
    }

    /** Full metrics; captions for retrieval are drawn with a fixed seed so that every model sees the same texts. */
    public DomainMetrics evaluate(ClipModel model, Domain domain, List<Sample> samples) {
        float[][] img = embedImages(model, samples.stream().map(Sample::image).toList());
        int[] labels = samples.stream().mapToInt(Sample::label).toArray();
        double acc = ZeroShot.accuracy(img, classEmbeddings(model, domain), labels);
        Random rnd = new Random(1234);
        List<String> caps = samples.stream().map(s -> Captions.random(rnd, classNames.get(s.label()), domain)).toList();
        float[][] txt = embedTexts(model, caps);
        float[][] sims = new float[img.length][img.length];
        for (int i = 0; i < img.length; i++) {
            for (int j = 0; j < img.length; j++) {
                double s = 0;
                for (int d = 0; d < img[i].length; d++) s += img[i][d] * txt[j][d];
                sims[i][j] = (float) s;
            }
        }
        return new DomainMetrics(acc, Retrieval.imageToText(sims, 1, labels), Retrieval.imageToText(sims, 5, labels),
                Retrieval.textToImage(sims, 1, labels), Retrieval.textToImage(sims, 5, labels));
    }

    /** Zero-shot accuracy on each domain's set, keyed by domain id. */
    public Map<String, Double> accuracies(ClipModel model, Map<Domain, List<Sample>> sets) {
        Map<String, Double> out = new LinkedHashMap<>();
        sets.forEach((d, s) -> out.put(d.id(), zeroShotAccuracy(model, d, s)));
        return out;
    }
}
