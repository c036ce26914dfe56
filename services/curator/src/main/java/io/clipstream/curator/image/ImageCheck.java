package io.clipstream.curator.image;

import io.clipstream.contracts.ReasonCode;
import java.util.List;

/**
 * The verdict on one image: no reasons = acceptable. {@code facts} is present whenever the image
 * decoded (even if it was then refused as too small or blurry), absent otherwise.
 */
public record ImageCheck(List<ReasonCode> reasons, List<String> details, ImageFacts facts) {

    public ImageCheck {
        reasons = List.copyOf(reasons);
        details = List.copyOf(details);
    }

    public boolean passed() {
        return reasons.isEmpty();
    }

    static ImageCheck refuse(ReasonCode reason, String detail) {
        return new ImageCheck(List.of(reason), List.of(detail), null);
    }
}
