package io.clipstream.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach the object store.
 *
 * @param timeout     connect/read/write timeout of one HTTP call
 * @param maxAttempts attempts per operation before {@link StorageException} (1 = no retry)
 * @param conditionalPut {@link ObjectStore#putIfAbsent} as one conditional PUT ({@code If-None-Match: *},
 *                    which S3, MinIO and S3Proxy honour) instead of an existence check and a PUT
 */
public record StorageConfig(
        String endpoint,
        String accessKey,
        String secretKey,
        String region,
        String bucket,
        Duration timeout,
        int maxAttempts,
        boolean conditionalPut) {

    public static final String DEFAULT_BUCKET = "clipstream";
    public static final String DEFAULT_REGION = "us-east-1";

    public StorageConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        bucket = bucket == null || bucket.isBlank() ? DEFAULT_BUCKET : bucket;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
    }

    public static StorageConfig of(String endpoint, String accessKey, String secretKey) {
        return new StorageConfig(
                endpoint, accessKey, secretKey, DEFAULT_REGION, DEFAULT_BUCKET, Duration.ofSeconds(10), 3, true);
    }

    public StorageConfig withBucket(String bucket) {
        return new StorageConfig(endpoint, accessKey, secretKey, region, bucket, timeout, maxAttempts, conditionalPut);
    }

    public StorageConfig withConditionalPut(boolean conditional) {
        return new StorageConfig(endpoint, accessKey, secretKey, region, bucket, timeout, maxAttempts, conditional);
    }

    public StorageConfig withRetries(Duration timeout, int maxAttempts) {
        return new StorageConfig(endpoint, accessKey, secretKey, region, bucket, timeout, maxAttempts, conditionalPut);
    }
}
