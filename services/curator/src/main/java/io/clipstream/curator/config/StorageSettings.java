package io.clipstream.curator.config;

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

    @WithDefault("10s")
    Duration timeout();

    @WithDefault("3")
    int maxAttempts();

    /** Write-once as one conditional PUT (If-None-Match: *); false for a store without it: check, then PUT. */
    @WithDefault("true")
    boolean conditionalPut();
}
