package io.clipstream.trainer.config;

import io.clipstream.storage.StorageConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code clipstream.storage.*}: the object store (the testkit's test resource supplies these in tests). */
@ConfigMapping(prefix = "clipstream.storage")
public interface StorageSettings {
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("us-east-1")
    String region();

    @WithDefault("clipstream")
    String bucket();

    @WithDefault("30s")
    Duration timeout();

    @WithDefault("3")
    int maxAttempts();

    @WithDefault("true")
    boolean conditionalPut();

    default StorageConfig toConfig() {
        return new StorageConfig(endpoint(), accessKey(), secretKey(), region(), bucket(), timeout(), maxAttempts(), conditionalPut());
    }
}
