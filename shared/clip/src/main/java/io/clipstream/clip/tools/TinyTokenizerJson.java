package io.clipstream.clip.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand-written Hugging Face {@code tokenizer.json}: WordLevel model over a small vocabulary,
 * NFC + lowercase normaliser, {@code Whitespace} pre-tokeniser ({@code \w+|[^\w\s]+}), and a
 * template post-processor adding {@code <|startoftext|>} / {@code <|endoftext|>}. Ids: 0 is
 * {@code <|unk|>}, then the words, then BOS, then EOS (the largest id, as in OpenAI's vocabulary).
 */
public final class TinyTokenizerJson {

    /** Unknown token. */
    public static final String UNK = "<|unk|>";

    /** Begin of text. */
    public static final String BOS = "<|startoftext|>";

    /** End of text (also padding, as in OpenAI CLIP). */
    public static final String EOS = "<|endoftext|>";

    /** Fashion-MNIST class names and caption template words. */
    public static final List<String> DEFAULT_WORDS = List.of(
            "t-shirt/top trouser pullover dress coat sandal shirt sneaker bag ankle boot",
            "a an the of photo picture image sketch drawing rotated inverted negative",
            "photograph rendering blurry noisy bright dark low contrast high small large",
            "close-up cropped black white grey gray colour color clothing item product",
            "fashion type kind this is it there and with in on style tiny big good bad",
            ". , ! ? ' \" : ; - / ( )",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9");

    private static final Pattern WORD = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TinyTokenizerJson() {}

    /**
     * The vocabulary: unk, every pre-token of {@code texts} (lower-cased, first-seen order), BOS,
     * EOS.
     *
     * @param texts words or captions
     * @return tokens in id order
     */
    public static List<String> vocabulary(List<String> texts) {
        Set<String> words = new LinkedHashSet<>();
        words.add(UNK);
        for (String text : texts) {
            Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
            while (m.find()) {
                words.add(m.group());
            }
        }
        words.remove(BOS);
        words.remove(EOS);
        List<String> out = new ArrayList<>(words);
        out.add(BOS);
        out.add(EOS);
        return out;
    }

    /**
     * @param vocab tokens in id order (from {@link #vocabulary})
     * @return tokenizer.json content
     */
    public static String tokenizerJson(List<String> vocab) {
        int bos = vocab.indexOf(BOS);
        int eos = vocab.indexOf(EOS);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        addSpecial(added, 0, UNK);
        addSpecial(added, bos, BOS);
        addSpecial(added, eos, EOS);
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode norms = norm.putArray("normalizers");
        norms.addObject().put("type", "NFC");
        norms.addObject().put("type", "Lowercase");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, BOS);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        special(single, EOS);
        ArrayNode pair = post.putArray("pair");
        special(pair, BOS);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        special(pair, EOS);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        special(pair, EOS);
        ObjectNode st = post.putObject("special_tokens");
        specialEntry(st, BOS, bos);
        specialEntry(st, EOS, eos);
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.get(i), i);
        }
        model.put("unk_token", UNK);
        return write(root);
    }

    /**
     * @param contextLength model_max_length
     * @return tokenizer_config.json content (loads as PreTrainedTokenizerFast in transformers)
     */
    public static String tokenizerConfigJson(int contextLength) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tokenizer_class", "PreTrainedTokenizerFast");
        o.put("model_max_length", contextLength);
        o.put("bos_token", BOS);
        o.put("eos_token", EOS);
        o.put("unk_token", UNK);
        o.put("pad_token", EOS);
        o.put("do_lower_case", true);
        o.put("clean_up_tokenization_spaces", false);
        return write(o);
    }

    /** @return special_tokens_map.json content */
    public static String specialTokensMapJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("bos_token", BOS);
        o.put("eos_token", EOS);
        o.put("unk_token", UNK);
        o.put("pad_token", EOS);
        return write(o);
    }

    private static void addSpecial(ArrayNode added, int id, String content) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
    }

    private static void special(ArrayNode seq, String token) {
        seq.addObject().putObject("SpecialToken").put("id", token).put("type_id", 0);
    }

    private static void specialEntry(ObjectNode st, String token, int id) {
        ObjectNode e = st.putObject(token);
        e.put("id", token);
        e.putArray("ids").add(id);
        e.putArray("tokens").add(token);
    }

    private static String write(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
