package io.clipstream.continual.data;

import io.clipstream.clip.tools.TinyClipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Learnable 28x28 test pairs: faint noise plus one bright bar whose row encodes the class; domain "plain" as is,
 * "inverted" with values inverted, "tinted" as RGB with a colour cast. Captions name the class (and, drawn per use,
 * a domain word), so the engine runs on them as on curated pairs with class names.
 */
public final class SyntheticSamples {
    public static final List<String> CLASSES =
            List.of("circle", "square", "star", "heart", "moon", "cloud", "tree", "house", "boat", "bird");
    public static final List<String> DOMAINS = List.of("plain", "inverted", "tinted");
    static final List<String> TEMPLATES = List.of("a photo of a {c}.", "a {d} picture of a {c}.", "an image of a {c}.");

    private SyntheticSamples() {}

    public static List<Sample> of(String domain, int n, long seed) {
        Random rnd = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES.size();
            float[] p = new float[28 * 28];
            for (int k = 0; k < p.length; k++) {
                p[k] = 0.1f * rnd.nextFloat();
            }
            for (int y = 2 + 2 * label; y < 4 + 2 * label; y++) {
                for (int x = 4; x < 24; x++) {
                    p[y * 28 + x] = 1f;
                }
            }
            String c = CLASSES.get(label);
            out.add(new Sample(domain + "-" + seed + "-" + i, image(domain, p), "a photo of a " + c + ".", domain, c));
        }
        return out;
    }

    private static PixelImage image(String domain, float[] grey) {
        return switch (domain) {
            case "inverted" -> {
                float[] o = new float[grey.length];
                for (int i = 0; i < o.length; i++) {
                    o[i] = 1f - grey[i];
                }
                yield PixelImage.grey(28, 28, o);
            }
            case "tinted" -> {
                float[] rgb = new float[3 * grey.length];
                for (int i = 0; i < grey.length; i++) {
                    rgb[3 * i] = grey[i];
                    rgb[3 * i + 1] = 0.5f * grey[i];
                    rgb[3 * i + 2] = 0.2f + 0.8f * grey[i];
                }
                yield new PixelImage(28, 28, 3, rgb);
            }
            default -> PixelImage.grey(28, 28, grey);
        };
    }

    /** Draws a template per use, as the benchmark does. */
    public static Captioner templates() {
        return (s, rnd) -> TEMPLATES
                .get(rnd.nextInt(TEMPLATES.size()))
                .replace("{d}", s.domain())
                .replace("{c}", s.label());
    }

    public static ClassPrompts prompts() {
        return ClassPrompts.of(
                Map.of("plain", CLASSES, "inverted", CLASSES, "tinted", CLASSES),
                List.of("a photo of a {c}.", "an image of a {c}."));
    }

    /** Every caption and prompt the tests use, for the generated tokenizer's vocabulary. */
    public static List<String> texts() {
        List<String> out = new ArrayList<>();
        for (String c : CLASSES) {
            for (String d : DOMAINS) {
                for (String t : TEMPLATES) {
                    out.add(t.replace("{d}", d).replace("{c}", c));
                }
            }
        }
        return out;
    }

    /** 28 px, patch 7, width 64, 2 layers, 4 heads, 64-d embeddings, context 16. */
    public static TinyClipSpec spec(long seed) {
        return new TinyClipSpec(28, 7, 3, 64, 2, 4, 256, 64, 16, "quick_gelu", seed, texts());
    }
}
