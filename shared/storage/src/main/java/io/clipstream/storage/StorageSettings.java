package io.clipstream.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * {@code clipstream.storage.*}: the object store of a Quarkus service (the testkit's test resource supplies these
 * in tests). This jar carries a beans.xml, so Quarkus indexes it and finds the mapping.
 */
@ConfigMapping(prefix = "clipstream.storage")
public interface StorageSettings {
    /** The S3 server's URL. */
    String endpoint();

    /** S3 access key. */
    String accessKey();

    /** S3 secret key. */
    String secretKey();

    /** S3 region (signing). */
    @WithDefault(StorageConfig.DEFAULT_REGION)
    String region();

    /** The one bucket every service uses. */
    @WithDefault(StorageConfig.DEFAULT_BUCKET)
    String bucket();

    /** Per HTTP call. */
    @WithDefault("10s")
    Duration timeout();

    /** The client's own attempts per operation. */
    @WithDefault("3")
    int maxAttempts();

    /** Write-once as one conditional PUT (If-None-Match: *); false for a store without it: check, then PUT. */
    @WithDefault("true")
    boolean conditionalPut();

    default StorageConfig toConfig() {
        return new StorageConfig(
                endpoint(), accessKey(), secretKey(), region(), bucket(), timeout(), maxAttempts(), conditionalPut());
    }
}
