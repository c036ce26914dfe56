package io.clipstream.clip.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * CLIP text tokenisation through DJL's {@link HuggingFaceTokenizer} over a {@code tokenizer.json}
 * (its normaliser, pre-tokeniser and post-processor add BOS/EOS as HF does), truncated to the
 * context length (keeping EOS last) and padded to exactly the context length with the pad id.
 */
public final class ClipTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int contextLength;
    private final long padId;

    private ClipTokenizer(HuggingFaceTokenizer tokenizer, int contextLength, long padId) {
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.padId = padId;
    }

    /**
     * @param tokenizerJson path of tokenizer.json
     * @param contextLength the text tower's max_position_embeddings
     * @param padId id used for padding (any id works for the pooled output: the causal mask keeps
     *     padding after EOS out of it)
     * @return the tokenizer
     * @throws IOException if the file cannot be read
     */
    public static ClipTokenizer load(Path tokenizerJson, int contextLength, long padId) throws IOException {
        HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(contextLength)
                .optPadding(false)
                .build();
        return new ClipTokenizer(tok, contextLength, padId);
    }

    /** @return the padded length */
    public int contextLength() {
        return contextLength;
    }

    /**
     * Ids of one text, with BOS/EOS, truncated, not padded.
     *
     * @param text input
     * @return ids
     */
    public long[] ids(String text) {
        return tokenizer.encode(text).getIds();
    }

    /**
     * Tokens of one text (for debugging vocabularies).
     *
     * @param text input
     * @return tokens
     */
    public String[] tokens(String text) {
        return tokenizer.encode(text).getTokens();
    }

    /**
     * Tokenises, truncates and pads a batch.
     *
     * @param texts inputs
     * @return ids and mask [B][contextLength]
     */
    public TokenBatch encode(List<String> texts) {
        long[][] ids = new long[texts.size()][contextLength];
        long[][] mask = new long[texts.size()][contextLength];
        if (texts.isEmpty()) {
            return new TokenBatch(ids, mask);
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        for (int i = 0; i < enc.length; i++) {
            long[] e = enc[i].getIds();
            int n = Math.min(e.length, contextLength);
            java.util.Arrays.fill(ids[i], padId);
            System.arraycopy(e, 0, ids[i], 0, n);
            java.util.Arrays.fill(mask[i], 0, n, 1L);
        }
        return new TokenBatch(ids, mask);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
