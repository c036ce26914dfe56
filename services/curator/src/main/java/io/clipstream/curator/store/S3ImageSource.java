package io.clipstream.curator.store;

import io.clipstream.contracts.ImageRef;
import io.clipstream.curator.inspect.ImageSource;
import io.clipstream.storage.ObjectStore;
import java.util.Optional;

/**
 * Reads claim-check images from the producers' inboxes in the curator's own bucket: a HEAD for the
 * size, then the bytes only when they fit the profile's limit (a 5 GB object is never downloaded).
 */
public class S3ImageSource implements ImageSource {
    private final ObjectStore store;

    public S3ImageSource(ObjectStore store) {
        this.store = store;
    }

    @Override
    public String bucket() {
        return store.bucket();
    }

    @Override
    public Fetch fetch(ImageRef ref, long maxBytes) {
        Optional<Long> size = store.size(ref.key());
        if (size.isEmpty()) {
            return new Fetch.Missing();
        }
        if (size.get() > maxBytes) {
            return new Fetch.TooLarge(size.get());
        }
        return store.get(ref.key()).<Fetch>map(Fetch.Found::new).orElseGet(Fetch.Missing::new);
    }
}
