package io.clipstream.curator.curation;

import java.util.Optional;

/** Fetches the bytes behind a claim-check {@code imageUri}; empty when there is nothing there. */
@FunctionalInterface
public interface ImageSource {

    /** @throws IllegalArgumentException when the URI is not one this source can read */
    Optional<byte[]> fetch(String imageUri);

    ImageSource NONE = uri -> {
        throw new IllegalArgumentException("claim-check image URIs are not readable here");
    };
}
