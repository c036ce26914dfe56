package io.clipstream.refresh.embed;

import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.ServedVersion;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.clip.routing.ExpertEncoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model version as the index embeds and queries with it: one adapter (one vector space), or per-domain experts (a
 * space per expert: a document is embedded by its image's expert and records it, and a query is searched in each
 * expert's space with that expert's vector of it, the answers merged on their scores). Each space has an id that names
 * the weights producing it (see {@code ModelFiles}); vectors already in the {@link EmbeddingCache} under that id are
 * carried, not computed again.
 */
public interface VersionEncoder extends AutoCloseable {

    /**
     * One pair embedded: its image's expert (null: one adapter), the image's and caption's vectors by it, and whether
     * both came from the cache ({@code carried}) rather than from the model.
     */
    record Embedded(String expert, float[] image, float[] text, boolean carried) {}

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

    /** The ids of the version's vector spaces: what the cache may keep for it. */
    Set<String> spaces();

    /**
     * Each pair's image ({@code chw}: preprocessed, {@code imageSha256}: its content address) and caption, by the
     * image's expert; vectors found in {@code cache} are used as they are, and the ones computed are put there.
     */
    List<Embedded> embedPairs(List<float[]> chw, List<String> captions, List<String> imageSha256, EmbeddingCache cache)
            throws IOException;

    /** The vectors a text query is searched with. */
    List<QueryVector> queryText(String text);

    /** The vectors an image query is searched with. */
    List<QueryVector> queryImage(BufferedImage image);

    @Override
    default void close() {
        served().close();
    }

    static VersionEncoder of(ClipEncoder encoder, String space) {
        return new OneAdapter(encoder, space);
    }

    /** @param spaceOfDomain every routed domain's space id (domains served by one expert share it) */
    static VersionEncoder of(ExpertEncoder encoder, Map<String, String> spaceOfDomain) {
        if (!spaceOfDomain.keySet().equals(Set.copyOf(encoder.domains()))) {
            throw new IllegalArgumentException(
                    "spaces of " + spaceOfDomain.keySet() + " for experts of " + encoder.domains());
        }
        return new Experts(encoder, Map.copyOf(spaceOfDomain));
    }

    /** A version of one adapter, merged into the weights: one space, calls side by side. */
    record OneAdapter(ClipEncoder encoder, String space) implements VersionEncoder {
        @Override
        public ServedVersion served() {
            return encoder;
        }

        @Override
        public Set<String> spaces() {
            return Set.of(space);
        }

        @Override
        public List<Embedded> embedPairs(
                List<float[]> chw, List<String> captions, List<String> imageSha256, EmbeddingCache cache)
                throws IOException {
            List<EmbeddingCache.Key> keys = imageSha256.stream()
                    .map(sha -> new EmbeddingCache.Key(EmbeddingCache.Kind.IMAGE, sha, space))
                    .toList();
            Map<EmbeddingCache.Key, float[]> found = cache.get(keys);
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (!found.containsKey(keys.get(i))) {
                    missing.add(i);
                }
            }
            Map<EmbeddingCache.Key, float[]> computed = new HashMap<>();
            if (!missing.isEmpty()) {
                float[][] pass =
                        encoder.encodePixels(missing.stream().map(chw::get).toList());
                for (int j = 0; j < pass.length; j++) {
                    computed.put(keys.get(missing.get(j)), pass[j]);
                }
            }
            cache.put(computed);
            CachedTexts.Result texts = CachedTexts.embed(
                    captions,
                    Collections.nCopies(captions.size(), space),
                    cache,
                    (sp, batch) -> encoder.encodeTexts(batch));
            List<Embedded> out = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                boolean carried = found.containsKey(keys.get(i));
                float[] image = carried ? found.get(keys.get(i)) : computed.get(keys.get(i));
                out.add(new Embedded(null, image, texts.vectors()[i], carried && texts.found()[i]));
            }
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
     * search compares captions within one space as image searches do. Routing reads every expert's embedding of an
     * image; those of experts unchanged since a version whose vectors are cached are read from the cache, so a version
     * that adds an expert runs one image pass (the new expert's) over the corpus, not one per expert, and computes
     * anew only the vectors of images whose expert changed.
     */
    record Experts(ExpertEncoder encoder, Map<String, String> spaceOfDomain) implements VersionEncoder {
        @Override
        public ServedVersion served() {
            return encoder;
        }

        @Override
        public Set<String> spaces() {
            return Set.copyOf(spaceOfDomain.values());
        }

        @Override
        public List<Embedded> embedPairs(
                List<float[]> chw, List<String> captions, List<String> imageSha256, EmbeddingCache cache)
                throws IOException {
            List<String> domains = encoder.domains();
            List<EmbeddingCache.Key> keys = new ArrayList<>();
            for (String sha : imageSha256) {
                for (String space : spaces()) {
                    keys.add(new EmbeddingCache.Key(EmbeddingCache.Kind.IMAGE, sha, space));
                }
            }
            Map<EmbeddingCache.Key, float[]> found = cache.get(keys);
            List<Map<String, float[]>> known = new ArrayList<>(chw.size());
            for (String sha : imageSha256) {
                Map<String, float[]> k = new HashMap<>();
                for (String d : domains) {
                    float[] v = found.get(imageKey(sha, d));
                    if (v != null) {
                        k.put(d, v);
                    }
                }
                known.add(k);
            }
            List<ExpertEncoder.Routed> routed = encoder.encodePixels(chw, known);
            Map<EmbeddingCache.Key, float[]> computed = new HashMap<>();
            for (int i = 0; i < routed.size(); i++) {
                for (Map.Entry<String, float[]> e : routed.get(i).byExpert().entrySet()) {
                    EmbeddingCache.Key key = imageKey(imageSha256.get(i), e.getKey());
                    if (!found.containsKey(key)) {
                        computed.put(key, e.getValue());
                    }
                }
            }
            cache.put(computed);
            List<String> expertOf =
                    routed.stream().map(ExpertEncoder.Routed::domain).toList();
            CachedTexts.Result texts = CachedTexts.embed(
                    captions,
                    expertOf.stream().map(spaceOfDomain::get).toList(),
                    cache,
                    (space, batch) -> encoder.encodeTexts(batch, List.of(domainOf(space)))
                            .values()
                            .iterator()
                            .next());
            List<Embedded> out = new ArrayList<>(routed.size());
            for (int i = 0; i < routed.size(); i++) {
                ExpertEncoder.Routed r = routed.get(i);
                boolean carried = known.get(i).containsKey(r.domain()) && texts.found()[i];
                out.add(new Embedded(r.domain(), r.embedding(), texts.vectors()[i], carried));
            }
            return out;
        }

        private EmbeddingCache.Key imageKey(String sha, String domain) {
            return new EmbeddingCache.Key(EmbeddingCache.Kind.IMAGE, sha, spaceOfDomain.get(domain));
        }

        /** A domain whose expert makes {@code space} (domains sharing an expert embed alike). */
        private String domainOf(String space) {
            for (String d : encoder.domains()) {
                if (spaceOfDomain.get(d).equals(space)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("no expert makes space " + space);
        }

        @Override
        public List<QueryVector> queryText(String text) {
            List<QueryVector> out = new ArrayList<>();
            encoder.encodeTexts(List.of(text), encoder.domains()).forEach((d, e) -> out.add(new QueryVector(d, e[0])));
            return out;
        }

        /**
         * Routing the query image embeds it by every expert: it is searched in each expert's space with that vector.
         */
        @Override
        public List<QueryVector> queryImage(BufferedImage image) {
            // the router picks the expert, as it picked each indexed image's: the query is searched in that space only
            ExpertEncoder.Routed r = encoder.encodePixels(List.of(preprocessor().preprocess(image)))
                    .getFirst();
            return List.of(new QueryVector(r.domain(), r.embedding()));
        }
    }
}
