package io.clipstream.continual.data;

import java.util.List;
import java.util.Map;

/**
 * The class names a domain declares and the prompts that describe a class (zero-shot accuracy averages the text
 * embeddings of a class's prompts). A domain without class names gets no zero-shot accuracy; its samples' labels
 * are ignored for it.
 */
public interface ClassPrompts {
    /** Class names of {@code domain}, empty when it declares none. */
    List<String> classNames(String domain);

    /** Prompts of one class of {@code domain}, at least one. */
    List<String> prompts(String className, String domain);

    /** Templates usable for photos of any domain ("{c}" = the class name), CLIP's own first prompts. */
    List<String> DEFAULT_TEMPLATES = List.of("a photo of a {c}.", "a picture of a {c}.", "an image of a {c}.");

    /** No domain declares classes: evaluation is retrieval only. */
    static ClassPrompts none() {
        return of(Map.of(), DEFAULT_TEMPLATES);
    }

    /** Class names per domain, prompts from {@code templates} ("{c}" replaced by the class name). */
    static ClassPrompts of(Map<String, List<String>> classesByDomain, List<String> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt template");
        }
        Map<String, List<String>> classes = Map.copyOf(classesByDomain);
        List<String> tpl = List.copyOf(templates);
        return new ClassPrompts() {
            @Override
            public List<String> classNames(String domain) {
                return classes.getOrDefault(domain, List.of());
            }

            @Override
            public List<String> prompts(String className, String domain) {
                return tpl.stream().map(t -> t.replace("{c}", className)).toList();
            }
        };
    }
}
