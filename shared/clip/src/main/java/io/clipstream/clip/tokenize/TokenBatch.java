package io.clipstream.clip.tokenize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Padded token ids and attention mask of a batch of texts, as plain Java arrays (cheap to cache).
 *
 * @param ids [B][T] token ids, padded with the pad id
 * @param attentionMask [B][T] 1 for tokens, 0 for padding
 */
public record TokenBatch(long[][] ids, long[][] attentionMask) {

    /** @return batch size */
    public int size() {
        return ids.length;
    }

    /** @return padded length T */
    public int length() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /**
     * @param manager owner
     * @return int64 [B, T]
     */
    public NDArray idsArray(NDManager manager) {
        return manager.create(flatten(ids), new Shape(size(), length()));
    }

    /**
     * @param manager owner
     * @return int64 [B, T]
     */
    public NDArray maskArray(NDManager manager) {
        return manager.create(flatten(attentionMask), new Shape(size(), length()));
    }

    /**
     * Rows {@code [from, to)}.
     *
     * @param from first row
     * @param to end row (exclusive)
     * @return the sub-batch
     */
    public TokenBatch slice(int from, int to) {
        return new TokenBatch(
                java.util.Arrays.copyOfRange(ids, from, to), java.util.Arrays.copyOfRange(attentionMask, from, to));
    }

    private static long[] flatten(long[][] rows) {
        int t = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * t, t);
        }
        return flat;
    }
}
