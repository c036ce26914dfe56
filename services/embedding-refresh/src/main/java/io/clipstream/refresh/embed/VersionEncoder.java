package io.clipstream.refresh.embed;

import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.ServedVersion;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.clip.routing.ExpertEncoder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model version as the index embeds and queries with it: one adapter (one vector space), or per-domain experts (a
 * space per expert: a document is embedded by its image's expert and records it, and a query is searched in each
 * expert's space with that expert's vector of it, the answers merged on their scores).
 */
public interface VersionEncoder extends AutoCloseable {

    /** One pair embedded: its image's expert (null: one adapter), and the image's and caption's vectors by it. */
    record Embedded(String expert, float[] image, float[] text) {}

    /** A query's vector in one expert's space (expert null: the whole index). */
    record QueryVector(String expert, float[] vector) {}

    /** The version's encoder: what embeds for it, and what closing frees. */
    ServedVersion served();

    /** e.g. {@code v3}. */
    default String label() {
        return served().version();
    }

    default ImagePreprocessor preprocessor() {
        return served().preprocessor();
    }

    default int dimension() {
        return served().dimension();
    }

    /** Each pair's image ({@code chw}: preprocessed) and caption, by the image's expert. */
    List<Embedded> embedPairs(List<float[]> chw, List<String> captions);

    /** The vectors a text query is searched with. */
    List<QueryVector> queryText(String text);

    /** The vectors an image query is searched with. */
    List<QueryVector> queryImage(BufferedImage image);

    @Override
    default void close() {
        served().close();
    }

    static VersionEncoder of(ClipEncoder encoder) {
        return new OneAdapter(encoder);
    }

    static VersionEncoder of(ExpertEncoder encoder) {
        return new Experts(encoder);
    }

    /** A version of one adapter, merged into the weights: one space, calls side by side. */
    record OneAdapter(ClipEncoder encoder) implements VersionEncoder {
        @Override
        public ServedVersion served() {
            return encoder;
        }

        @Override
        public List<Embedded> embedPairs(List<float[]> chw, List<String> captions) {
            float[][] images = encoder.encodePixels(chw);
            float[][] texts = encoder.encodeTexts(captions);
            List<Embedded> out = new ArrayList<>(images.length);
            for (int i = 0; i < images.length; i++) out.add(new Embedded(null, images[i], texts[i]));
            return out;
        }

        @Override
        public List<QueryVector> queryText(String text) {
            return List.of(new QueryVector(null, encoder.encodeTexts(List.of(text))[0]));
        }

        @Override
        public List<QueryVector> queryImage(BufferedImage image) {
            return List.of(new QueryVector(null, encoder.encodeImages(List.of(image))[0]));
        }
    }

    /**
     * A version of per-domain experts. A pair's caption is embedded by its image's expert, so that a text-to-text
     * search compares captions within one space as image searches do.
     */
    record Experts(ExpertEncoder encoder) implements VersionEncoder {
        @Override
        public ServedVersion served() {
            return encoder;
        }

        @Override
        public List<Embedded> embedPairs(List<float[]> chw, List<String> captions) {
            List<ExpertEncoder.Routed> routed = encoder.encodePixels(chw);
            // one text pass per expert: each group of captions by the expert of its images
            Map<String, List<Integer>> byExpert = new java.util.LinkedHashMap<>();
            for (int i = 0; i < routed.size(); i++) byExpert.computeIfAbsent(routed.get(i).domain(), d -> new ArrayList<>()).add(i);
            float[][] texts = new float[routed.size()][];
            byExpert.forEach((d, idx) -> {
                float[][] e = encoder.encodeTexts(idx.stream().map(captions::get).toList(), List.of(d)).get(d);
                for (int j = 0; j < idx.size(); j++) texts[idx.get(j)] = e[j];
            });
            List<Embedded> out = new ArrayList<>(routed.size());
            for (int i = 0; i < routed.size(); i++) out.add(new Embedded(routed.get(i).domain(), routed.get(i).embedding(), texts[i]));
            return out;
        }

        @Override
        public List<QueryVector> queryText(String text) {
            List<QueryVector> out = new ArrayList<>();
            encoder.encodeTexts(List.of(text), encoder.domains()).forEach((d, e) -> out.add(new QueryVector(d, e[0])));
            return out;
        }

        /** Routing the query image embeds it by every expert: it is searched in each expert's space with that vector. */
        @Override
        public List<QueryVector> queryImage(BufferedImage image) {
            ExpertEncoder.Routed r = encoder.encodePixels(List.of(preprocessor().preprocess(image))).getFirst();
            List<QueryVector> out = new ArrayList<>();
            r.byExpert().forEach((d, v) -> out.add(new QueryVector(d, v)));
            return out;
        }
    }
}
