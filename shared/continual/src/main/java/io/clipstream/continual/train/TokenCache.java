package io.clipstream.continual.train;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tokenize.TokenBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Token rows of the captions a training run has seen, so that each caption is tokenised once per run rather than
 * in every epoch (curated pairs repeat their caption every epoch; the benchmark's templates repeat across pairs).
 * Bounded: past {@code maxEntries} distinct captions, new ones are tokenised every time and not kept.
 */
final class TokenCache {
    private record Row(long[] ids, long[] mask) {}

    private final ClipModel model;
    private final int maxEntries;
    private final Map<String, Row> rows = new HashMap<>();

    TokenCache(ClipModel model, int maxEntries) {
        this.model = model;
        this.maxEntries = maxEntries;
    }

    /** The same ids and mask as {@code model.tokenize(texts)}. */
    TokenBatch tokenize(List<String> texts) {
        Set<String> unseen = new LinkedHashSet<>();
        for (String t : texts) {
            if (!rows.containsKey(t)) {
                unseen.add(t);
            }
        }
        List<String> missing = new ArrayList<>(unseen);
        Map<String, Row> fresh = new HashMap<>();
        if (!missing.isEmpty()) {
            TokenBatch tb = model.tokenize(missing);
            for (int i = 0; i < missing.size(); i++) {
                Row r = new Row(tb.ids()[i], tb.attentionMask()[i]);
                fresh.put(missing.get(i), r);
                if (rows.size() < maxEntries) {
                    rows.put(missing.get(i), r);
                }
            }
        }
        long[][] ids = new long[texts.size()][];
        long[][] mask = new long[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            Row r = rows.getOrDefault(texts.get(i), fresh.get(texts.get(i)));
            ids[i] = r.ids();
            mask[i] = r.mask();
        }
        return new TokenBatch(ids, mask);
    }

    int size() {
        return rows.size();
    }
}
