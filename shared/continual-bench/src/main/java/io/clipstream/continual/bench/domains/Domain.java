package io.clipstream.continual.bench.domains;

import io.clipstream.continual.augment.ImageAugmenter;
import io.clipstream.continual.data.PixelImage;
import java.util.List;

/**
 * The domains of the domain-incremental benchmark. Each is a pure image transform of a Fashion-MNIST image;
 * D0 is the base domain the base model was trained on.
 */
public enum Domain {
    D0_ORIGINAL("original", List.of("photo", "plain")),
    D1_INVERTED("inverted", List.of("negative", "inverted")),
    D2_ROTATED("rotated", List.of("rotated", "sideways")),
    D3_SKETCH("sketch", List.of("sketch", "outline"));

    private final String id;
    private final List<String> words;

    Domain(String id, List<String> words) {
        this.id = id;
        this.words = words;
    }

    /** Short stable id used in reports and JSON ("original", "inverted", ...). */
    public String id() {
        return id;
    }

    /** Words used for this domain in caption templates. */
    public List<String> words() {
        return words;
    }

    public PixelImage apply(PixelImage img) {
        return switch (this) {
            case D0_ORIGINAL -> img;
            case D1_INVERTED -> DomainTransforms.invert(img);
            case D2_ROTATED -> DomainTransforms.rotate90(img);
            case D3_SKETCH -> DomainTransforms.sketch(img, DomainTransforms.SKETCH_THRESHOLD);
        };
    }

    /** Whether a mirror image stays in this domain: not for the rotated one (mirrored, it is rotated the other way). */
    public boolean mirrorSafe() {
        return this != D2_ROTATED;
    }

    /** The training augmentation of this domain's pairs: no view of another domain. */
    public static ImageAugmenter augmentation(String domainId) {
        ImageAugmenter a = ImageAugmenter.defaults();
        return byId(domainId).mirrorSafe() ? a : a.withoutFlip();
    }

    public static Domain byId(String id) {
        for (Domain d : values()) {
            if (d.id.equalsIgnoreCase(id) || d.name().equalsIgnoreCase(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown domain " + id);
    }
}
