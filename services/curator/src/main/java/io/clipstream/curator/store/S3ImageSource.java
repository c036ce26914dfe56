package io.clipstream.curator.store;

import io.clipstream.curator.curation.ImageSource;
import io.clipstream.storage.ObjectStore;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Reads claim-check images {@code s3://<bucket>/<key>} from the curator's own bucket. Other schemes
 * and buckets are refused (IMAGE_MISSING): the curator does not fetch from arbitrary places.
 */
public class S3ImageSource implements ImageSource {
    private final ObjectStore store;

    public S3ImageSource(ObjectStore store) {
        this.store = store;
    }

    @Override
    public Optional<byte[]> fetch(String imageUri) {
        URI uri;
        try {
            uri = new URI(imageUri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI");
        }
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("only s3://" + store.bucket() + "/... is readable");
        }
        if (!store.bucket().equals(uri.getHost())) {
            throw new IllegalArgumentException("bucket " + uri.getHost() + " is not " + store.bucket());
        }
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no object key");
        }
        return store.get(key);
    }
}
