package io.clipstream.curator.inspect;

import io.clipstream.contracts.ImageRef;

/**
 * Fetches the bytes behind a claim-check reference (already checked against {@link ImageRef}'s
 * grammar): size first (a HEAD), bytes only when within the limit.
 * Throws {@link io.clipstream.storage.StorageRefusedException} when storage refuses the request
 * and {@link io.clipstream.storage.StorageUnavailableException} when it cannot answer.
 */
public interface ImageSource {

    /** The bucket references must name. */
    String bucket();

    Fetch fetch(ImageRef ref, long maxBytes);

    sealed interface Fetch {
        record Found(byte[] bytes) implements Fetch {}

        record Missing() implements Fetch {}

        record TooLarge(long bytes) implements Fetch {}
    }

    /** For tests and deployments without claim checks: every reference is refused. */
    ImageSource NONE = new ImageSource() {
        @Override
        public String bucket() {
            return "";
        }

        @Override
        public Fetch fetch(ImageRef ref, long maxBytes) {
            throw new IllegalStateException("claim-check image references are not readable here");
        }
    };
}
