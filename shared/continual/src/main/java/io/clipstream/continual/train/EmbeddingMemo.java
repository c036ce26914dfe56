package io.clipstream.continual.train;

import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.continual.data.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Embeddings that one set of weights has computed, so that none is computed twice: texts by their string, and, when
 * the sample ids identify their images (the trainer's ids are the sha256 of the image's bytes), images by sample id.
 * Valid only while the weights it was filled with stay the same: whoever changes them starts a new memo. Not
 * thread-safe, like the model it is used with.
 */
public final class EmbeddingMemo {
    private final boolean imagesById;
    private final Map<String, float[]> texts = new HashMap<>();
    private final Map<String, float[]> images = new HashMap<>();

    private EmbeddingMemo(boolean imagesById) {
        this.imagesById = imagesById;
    }

    /**
     * Texts only: for one evaluation, where the class prompts of every domain and repeated captions are embedded once.
     */
    public static EmbeddingMemo texts() {
        return new EmbeddingMemo(false);
    }

    /** Texts, and images by sample id: only where an id always names the same image. */
    public static EmbeddingMemo textsAndImagesById() {
        return new EmbeddingMemo(true);
    }

    /** Embeddings of {@code list}, in its order; the strings not seen yet are embedded in one call. */
    public float[][] texts(ImageTextEmbedder model, List<String> list) {
        List<String> missing = new ArrayList<>(new LinkedHashSet<>(list));
        missing.removeIf(texts::containsKey);
        if (!missing.isEmpty()) {
            float[][] computed = model.encodeTexts(missing);
            for (int i = 0; i < computed.length; i++) {
                texts.put(missing.get(i), computed[i]);
            }
        }
        return list.stream().map(texts::get).toArray(float[][]::new);
    }

    /** Image embeddings of {@code samples}, in their order; with ids, only the samples not seen yet are embedded. */
    public float[][] images(ImageTextEmbedder model, List<Sample> samples) {
        if (!imagesById) {
            return Evaluator.embedPixels(
                    model, samples.stream().map(Sample::image).toList());
        }
        Map<String, Sample> missing = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (!images.containsKey(s.id())) {
                missing.putIfAbsent(s.id(), s);
            }
        }
        if (!missing.isEmpty()) {
            List<Sample> todo = List.copyOf(missing.values());
            float[][] computed = Evaluator.embedPixels(
                    model, todo.stream().map(Sample::image).toList());
            for (int i = 0; i < computed.length; i++) {
                images.put(todo.get(i).id(), computed[i]);
            }
        }
        return samples.stream().map(s -> images.get(s.id())).toArray(float[][]::new);
    }

    /** Whether the image of sample {@code id} is held. */
    public boolean hasImage(String id) {
        return images.containsKey(id);
    }
}
