package io.clipstream.datasets;

import java.util.List;

/** Caption templates for class-labelled images; {@code {c}} is the class name. */
public final class CaptionTemplates {
    public static final List<String> DEFAULT = List.of(
            "a photo of a {c}",
            "a picture of a {c}",
            "an image of a {c}",
            "a close-up photo of the {c}",
            "a product photo of a {c}",
            "a small grey photo of a {c}",
            "a {c} on a plain background",
            "this is a {c}");

    private CaptionTemplates() {}

    public static String fill(String template, String className) {
        return template.replace("{c}", className);
    }

    /** A deterministic choice of template per sample, so that a re-run pushes the same captions. */
    public static String caption(List<String> templates, String className, long sampleIndex) {
        return fill(templates.get((int) Math.floorMod(sampleIndex * 2654435761L, templates.size())), className);
    }
}
