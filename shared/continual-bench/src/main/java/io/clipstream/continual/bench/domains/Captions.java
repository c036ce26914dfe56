package io.clipstream.continual.bench.domains;

import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.ClassPrompts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Caption templates: training captions (random template per sample) and zero-shot prompt sets. */
public final class Captions {
    /** Training templates; {c} = class name, {d} = a domain word. */
    public static final List<String> TRAIN_TEMPLATES = List.of(
            "a photo of a {c}.",
            "a {d} picture of a {c}.",
            "a {d} image of a {c}.",
            "a picture of the {c}.",
            "a {c}, {d}.",
            "a {d} photo of my {c}.",
            "the {c} in a {d} picture.",
            "an image of a {c}.");

    /**
     * Zero-shot prompt templates (prompt ensembling: class embedding = mean over these). They do not name the
     * domain: a prompt that did ("a negative picture of ...") would tell the model at test time which domain an
     * image comes from, which a real query does not.
     */
    public static final List<String> EVAL_TEMPLATES = ClassPrompts.DEFAULT_TEMPLATES;

    private Captions() {}

    public static String fill(String template, String className, String domainWord) {
        return template.replace("{c}", className).replace("{d}", domainWord);
    }

    /** A random training caption for (class, domain). */
    public static String random(Random rnd, String className, Domain domain) {
        String t = TRAIN_TEMPLATES.get(rnd.nextInt(TRAIN_TEMPLATES.size()));
        String w = domain.words().get(rnd.nextInt(domain.words().size()));
        return fill(t, className, w);
    }

    /** A template drawn per use for every sample (its label is the class name, its domain a {@link Domain} id). */
    public static Captioner captioner() {
        return (s, rnd) -> random(rnd, s.label(), Domain.byId(s.domain()));
    }

    /** Every benchmark domain declares the same classes and the same, domain-free prompts. */
    public static ClassPrompts classPrompts(List<String> classNames) {
        List<String> classes = List.copyOf(classNames);
        return new ClassPrompts() {
            @Override
            public List<String> classNames(String domain) {
                return classes;
            }

            @Override
            public List<String> prompts(String className, String domain) {
                return Captions.prompts(className, Domain.byId(domain));
            }
        };
    }

    /** Zero-shot prompts of one class; the same in every domain (see {@link #EVAL_TEMPLATES}). */
    public static List<String> prompts(String className, Domain domain) {
        List<String> out = new ArrayList<>();
        for (String t : EVAL_TEMPLATES) {
            out.add(fill(t, className, ""));
        }
        return out;
    }

    /** Every distinct word any caption or prompt can contain, for building a tokenizer vocabulary. */
    public static Set<String> vocabulary(List<String> classNames) {
        Set<String> words = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(TRAIN_TEMPLATES);
        all.addAll(EVAL_TEMPLATES);
        for (String t : all) {
            for (String c : classNames) {
                for (Domain d : Domain.values()) {
                    for (String w : d.words()) {
                        words.addAll(words(fill(t, c, w)));
                    }
                }
            }
        }
        return words;
    }

    /** Lower-cased word and punctuation tokens ("a t-shirt, plain." -> a, t, -, shirt, ",", plain, "."). */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (char ch : text.toLowerCase().toCharArray()) {
            if (Character.isLetterOrDigit(ch)) {
                cur.append(ch);
            } else {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                if (!Character.isWhitespace(ch)) {
                    out.add(String.valueOf(ch));
                }
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }
}
