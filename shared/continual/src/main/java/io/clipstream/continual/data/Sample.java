package io.clipstream.continual.data;

/**
 * One image-text pair of a domain, as the engine trains and evaluates on it.
 *
 * @param id      stable identity (the curated pair's sha256, or a benchmark index), for reports and de-duplication
 * @param image   the image, any size (after the domain's own transform, before augmentation)
 * @param caption its caption (a {@link Captioner} may draw another per use, as the benchmark's templates do)
 * @param domain  the domain id ("fashion", "sketch", ...)
 * @param label   class name, where the domain declares classes (zero-shot accuracy, class-aware positives); else null
 */
public record Sample(String id, PixelImage image, String caption, String domain, String label) {
    public Sample {
        if (image == null || domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("a sample needs an image and a domain");
        }
        if (caption == null) {
            throw new IllegalArgumentException("a sample needs a caption");
        }
    }
}
